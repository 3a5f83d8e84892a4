import Neural

/// diffusers' `AutoencoderKL` (the SD VAE): `decode` maps latents to images, `encode` images to the
/// latent distribution. Weights under diffusers names relative to the VAE (`encoder.*`, `decoder.*`,
/// `quant_conv.*`, `post_quant_conv.*`), read one layer at a time while it runs.
public final class AutoencoderKL: Sendable {
    /// The architecture.
    public let config: VAEConfig
    let threads: ComputeThreads
    let encoder: VAEEncoder?
    let decoder: VAEDecoder?
    let quantConv: Conv2d?, postQuantConv: Conv2d?

    /// Builds the network and checks every tensor's shape. `parts` limits it to the decoder (txt2img
    /// with a decoder-only file) or the encoder.
    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    public init(config: VAEConfig, weights: any WeightSource, threads: ComputeThreads,
                parts: Set<Part> = [.encoder, .decoder]) throws {
        guard !config.blockOutChannels.isEmpty, config.layersPerBlock > 0 else {
            throw DiffusionError.badConfig("VAE with no blocks")
        }
        self.config = config
        self.threads = threads
        let root = Scope(source: weights, prefix: ""), latent = config.latentChannels
        encoder = parts.contains(.encoder) ? try VAEEncoder(root("encoder"), config: config) : nil
        decoder = parts.contains(.decoder) ? try VAEDecoder(root("decoder"), config: config) : nil
        quantConv = parts.contains(.encoder) && config.useQuantConv
            ? try Conv2d(root("quant_conv"), in: 2 * latent, out: 2 * latent, kernel: 1) : nil
        postQuantConv = parts.contains(.decoder) && config.usePostQuantConv
            ? try Conv2d(root("post_quant_conv"), in: latent, out: latent, kernel: 1) : nil
    }

    /// The halves of the autoencoder.
    public enum Part: Sendable, Hashable {
        /// Images → latent distribution.
        case encoder
        /// Latents → images.
        case decoder
    }

    /// latents [N, latentChannels, h, w], already divided by `scalingFactor` (as diffusers' `vae.decode`
    /// expects) → images [N, outChannels, h·f, w·f], about [-1, 1].
    /// - Throws: `DiffusionError.badOption` for a wrong shape or a VAE built without its decoder.
    public func decode(_ latents: Tensor) throws -> Tensor {
        guard let decoder else { throw DiffusionError.badOption("this VAE was built without its decoder") }
        let s = latents.shape
        guard s.count == 4, s[0] > 0, s[1] == config.latentChannels, s[2] > 0, s[3] > 0 else {
            throw DiffusionError.badOption("VAE latents \(s): expected [N, \(config.latentChannels), h, w]")
        }
        let z = try postQuantConv.map { try $0(latents, threads: threads) } ?? latents
        return try decoder(z, threads: threads)
    }

    /// images [N, inChannels, H, W] in [-1, 1], H and W multiples of the downsampling factor →
    /// (mean, logvar) [N, latentChannels, H/f, W/f]; logvar clamped to [-30, 20] as diffusers does.
    /// - Throws: `DiffusionError.badOption` for a wrong shape or a VAE built without its encoder.
    public func encode(_ images: Tensor) throws -> (mean: Tensor, logvar: Tensor) {
        guard let encoder else { throw DiffusionError.badOption("this VAE was built without its encoder") }
        let s = images.shape, f = config.downsamplingFactor
        guard s.count == 4, s[0] > 0, s[1] == config.inChannels, s[2] > 0, s[3] > 0, s[2] % f == 0, s[3] % f == 0 else {
            throw DiffusionError.badOption("VAE images \(s): expected [N, \(config.inChannels), H, W] with H, W multiples of \(f)")
        }
        var moments = try encoder(images, threads: threads)
        if let quantConv { moments = try quantConv(moments, threads: threads) }
        let n = s[0], l = config.latentChannels, plane = moments.shape[2] * moments.shape[3]
        var mean = [Float](), logvar = [Float]()
        mean.reserveCapacity(n * l * plane)
        logvar.reserveCapacity(n * l * plane)
        for i in 0..<n {
            let base = i * 2 * l * plane
            mean.append(contentsOf: moments.data[base..<(base + l * plane)])
            logvar.append(contentsOf: moments.data[(base + l * plane)..<(base + 2 * l * plane)].map { min(max($0, -30), 20) })
        }
        let shape = [n, l, moments.shape[2], moments.shape[3]]
        return (try Tensor(shape: shape, data: mean), try Tensor(shape: shape, data: logvar))
    }
}

/// diffusers `Encoder`: conv_in → DownEncoderBlock2D × n → mid block → GroupNorm, SiLU → conv_out (2·latent).
struct VAEEncoder: Sendable {
    let convIn: Conv2d
    let blocks: [(resnets: [ResnetBlock2D], downsampler: Downsample2D?)]
    let mid: VAEMidBlock
    let normOut: GroupNorm, convOut: Conv2d

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, config: VAEConfig) throws {
        let ch = config.blockOutChannels, g = config.normNumGroups
        convIn = try Conv2d(s("conv_in"), in: config.inChannels, out: ch[0], kernel: 3)
        blocks = try ch.indices.map { i in
            let b = s("down_blocks.\(i)"), input = i == 0 ? ch[0] : ch[i - 1]
            let resnets = try (0..<config.layersPerBlock).map {
                try ResnetBlock2D(b("resnets.\($0)"), in: $0 == 0 ? input : ch[i], out: ch[i], temb: 0, groups: g, eps: 1e-6)
            }
            let down = i < ch.count - 1 ? try Downsample2D(b("downsamplers.0"), channels: ch[i], padding: 0) : nil
            return (resnets, down)
        }
        mid = try VAEMidBlock(s("mid_block"), channels: ch[ch.count - 1], groups: g, attention: config.midBlockAddAttention)
        normOut = try GroupNorm(s("conv_norm_out"), channels: ch[ch.count - 1], groups: g, eps: 1e-6)
        convOut = try Conv2d(s("conv_out"), in: ch[ch.count - 1], out: 2 * config.latentChannels, kernel: 3)
    }

    /// images [N, C, H, W] → moments [N, 2·latent, H/f, W/f].
    func callAsFunction(_ x: Tensor, threads: ComputeThreads) throws -> Tensor {
        var h = try convIn(x, threads: threads)
        for block in blocks {
            for r in block.resnets { h = try r(h, siluTemb: nil, threads: threads) }
            if let d = block.downsampler { h = try d(h, threads: threads) }
        }
        h = try mid(h, threads: threads)
        h = try normOut(h, silu: true, threads: threads)
        return try convOut(h, threads: threads)
    }
}

/// diffusers `Decoder`: conv_in → mid block → UpDecoderBlock2D × n → GroupNorm, SiLU → conv_out.
struct VAEDecoder: Sendable {
    let convIn: Conv2d
    let mid: VAEMidBlock
    let blocks: [(resnets: [ResnetBlock2D], upsampler: Upsample2D?)]
    let normOut: GroupNorm, convOut: Conv2d

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, config: VAEConfig) throws {
        let ch = config.blockOutChannels, g = config.normNumGroups, rev = Array(ch.reversed())
        convIn = try Conv2d(s("conv_in"), in: config.latentChannels, out: rev[0], kernel: 3)
        mid = try VAEMidBlock(s("mid_block"), channels: rev[0], groups: g, attention: config.midBlockAddAttention)
        var previous = rev[0]
        var blocks = [(resnets: [ResnetBlock2D], upsampler: Upsample2D?)]()
        for i in rev.indices {
            let b = s("up_blocks.\(i)"), input = previous
            let resnets = try (0...config.layersPerBlock).map {
                try ResnetBlock2D(b("resnets.\($0)"), in: $0 == 0 ? input : rev[i], out: rev[i], temb: 0, groups: g, eps: 1e-6)
            }
            let upsampler = i < rev.count - 1 ? try Upsample2D(b("upsamplers.0"), channels: rev[i]) : nil
            blocks.append((resnets, upsampler))
            previous = rev[i]
        }
        self.blocks = blocks
        normOut = try GroupNorm(s("conv_norm_out"), channels: ch[0], groups: g, eps: 1e-6)
        convOut = try Conv2d(s("conv_out"), in: ch[0], out: config.outChannels, kernel: 3)
    }

    /// z [N, latent, h, w] → images [N, out, h·f, w·f].
    func callAsFunction(_ z: Tensor, threads: ComputeThreads) throws -> Tensor {
        var h = try convIn(z, threads: threads)
        h = try mid(h, threads: threads)
        for block in blocks {
            for r in block.resnets { h = try r(h, siluTemb: nil, threads: threads) }
            if let u = block.upsampler { h = try u(h, threads: threads) }
        }
        h = try normOut(h, silu: true, threads: threads)
        return try convOut(h, threads: threads)
    }
}
