import Foundation
import Neural

/// diffusers' `UNet2DConditionModel` for SD 1.x / 2.x / Turbo, on the CPU in float32.
///
/// Weights are read through `WeightSource` under diffusers names relative to the UNet (`conv_in.weight`,
/// `down_blocks.0.resnets.0.conv1.weight`, …). Every shape is checked when the network is built; values
/// are fetched one layer at a time while it runs, so fp16 weights are never expanded wholesale.
public final class UNet2DCondition: Sendable {
    /// The architecture.
    public let config: UNetConfig
    let threads: ComputeThreads
    let timeLinear1: Linear, timeLinear2: Linear
    let convIn: Conv2d
    let down: [UNetDownBlock]
    let midResnets: [ResnetBlock2D]
    let midAttention: Transformer2D
    let up: [UNetUpBlock]
    let normOut: GroupNorm
    let convOut: Conv2d

    /// Builds the network and checks every tensor's shape against `config`.
    /// - Throws: `DiffusionError` for an unsupported config or a missing / misshapen tensor.
    public init(config: UNetConfig, weights: any WeightSource, threads: ComputeThreads) throws {
        try config.validate()
        self.config = config
        self.threads = threads
        let root = Scope(source: weights, prefix: "")
        let ch = config.blockOutChannels, n = ch.count, temb = ch[0] * 4
        let groups = config.normNumGroups, eps = config.normEps
        timeLinear1 = try Linear(root("time_embedding.linear_1"), in: ch[0], out: temb)
        timeLinear2 = try Linear(root("time_embedding.linear_2"), in: temb, out: temb)
        convIn = try Conv2d(root("conv_in"), in: config.inChannels, out: ch[0], kernel: 3)

        // The mid block never passes only_cross_attention on (diffusers' UNetMidBlock2DCrossAttn).
        func transformer(_ s: Scope, channels: Int, block i: Int, mid: Bool = false) throws -> Transformer2D {
            try Transformer2D(s, channels: channels, heads: config.attentionHeads[i], crossDim: config.crossAttentionDim[i],
                              layers: config.transformerLayersPerBlock[i], groups: groups,
                              onlyCrossAttention: mid ? false : config.onlyCrossAttention[i])
        }
        var downBlocks = [UNetDownBlock]()
        for i in 0..<n {
            let s = root("down_blocks.\(i)"), input = i == 0 ? ch[0] : ch[i - 1], output = ch[i]
            let cross = config.downBlockTypes[i] == "CrossAttnDownBlock2D"
            let resnets = try (0..<config.layersPerBlock[i]).map {
                try ResnetBlock2D(s("resnets.\($0)"), in: $0 == 0 ? input : output, out: output, temb: temb, groups: groups, eps: eps)
            }
            let attentions = cross ? try (0..<config.layersPerBlock[i]).map {
                try transformer(s("attentions.\($0)"), channels: output, block: i)
            } : []
            let downsampler = i < n - 1 ? try Downsample2D(s("downsamplers.0"), channels: output, padding: config.downsamplePadding) : nil
            downBlocks.append(UNetDownBlock(resnets: resnets, attentions: attentions, downsampler: downsampler))
        }
        down = downBlocks

        let mid = root("mid_block")
        midResnets = try (0..<2).map {
            try ResnetBlock2D(mid("resnets.\($0)"), in: ch[n - 1], out: ch[n - 1], temb: temb, groups: groups, eps: eps)
        }
        midAttention = try transformer(mid("attentions.0"), channels: ch[n - 1], block: n - 1, mid: true)

        var upBlocks = [UNetUpBlock]()
        let rev = Array(ch.reversed())
        var previous = rev[0]
        for i in 0..<n {
            let s = root("up_blocks.\(i)"), b = n - 1 - i  // b: the matching down block, for per-block lists
            let output = rev[i], input = rev[min(i + 1, n - 1)]
            let layers = config.layersPerBlock[b] + 1
            let resnets = try (0..<layers).map { j in
                let skip = j == layers - 1 ? input : output
                return try ResnetBlock2D(s("resnets.\(j)"), in: (j == 0 ? previous : output) + skip, out: output,
                                         temb: temb, groups: groups, eps: eps)
            }
            let attentions = config.upBlockTypes[i] == "CrossAttnUpBlock2D" ? try (0..<layers).map {
                try transformer(s("attentions.\($0)"), channels: output, block: b)
            } : []
            let upsampler = i < n - 1 ? try Upsample2D(s("upsamplers.0"), channels: output) : nil
            upBlocks.append(UNetUpBlock(resnets: resnets, attentions: attentions, upsampler: upsampler))
            previous = output
        }
        up = upBlocks
        normOut = try GroupNorm(root("conv_norm_out"), channels: ch[0], groups: groups, eps: eps)
        convOut = try Conv2d(root("conv_out"), in: ch[0], out: config.outChannels, kernel: 3)
    }

    /// One denoiser evaluation: sample [N, inChannels, H, W] (H, W multiples of 2^(blocks−1)) at
    /// `timestep`, conditioned on encoderHiddenStates [N, seq, crossAttentionDim] → [N, outChannels, H, W].
    /// - Throws: `DiffusionError.badOption` for inconsistent shapes, or a weight-read error.
    public func callAsFunction(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor) throws -> Tensor {
        let s = sample.shape, e = encoderHiddenStates.shape, factor = 1 << (config.blockOutChannels.count - 1)
        guard s.count == 4, s[1] == config.inChannels, s[2] > 0, s[3] > 0, s[2] % factor == 0, s[3] % factor == 0 else {
            throw DiffusionError.badOption("UNet sample \(s): expected [N, \(config.inChannels), H, W] with H, W multiples of \(factor)")
        }
        guard e.count == 3, e[0] == s[0], e[1] > 0, config.crossAttentionDim.allSatisfy({ $0 == e[2] }) else {
            throw DiffusionError.badOption("encoder hidden states \(e): expected [\(s[0]), seq, \(config.crossAttentionDim[0])]")
        }
        let batch = s[0], context = encoderHiddenStates.data
        var temb = try timeLinear1(timestepEmbedding(timestep, batch: batch), rows: batch, threads: threads)
        temb.withUnsafeMutableBufferPointer { DenseKernels.silu($0.baseAddress!, count: $0.count, threads: threads) }
        temb = try timeLinear2(temb, rows: batch, threads: threads)
        temb.withUnsafeMutableBufferPointer { DenseKernels.silu($0.baseAddress!, count: $0.count, threads: threads) }

        var h = try convIn(sample, threads: threads)
        var skips = [h]
        for block in down { h = try block(h, siluTemb: temb, context: context, skips: &skips, threads: threads) }
        h = try midResnets[0](h, siluTemb: temb, threads: threads)
        h = try midAttention(h, context: context, threads: threads)
        h = try midResnets[1](h, siluTemb: temb, threads: threads)
        for block in up { h = try block(h, siluTemb: temb, context: context, skips: &skips, threads: threads) }
        h = try normOut(h, silu: true, threads: threads)
        return try convOut(h, threads: threads)
    }

    /// diffusers' sinusoidal `Timesteps` embedding [batch, C0]: sin | cos halves (cos first when
    /// `flip_sin_to_cos`), frequencies exp(−ln(10⁴)·i / (C0/2 − freq_shift)).
    func timestepEmbedding(_ t: Float, batch: Int) -> [Float] {
        let dim = config.blockOutChannels[0], half = dim / 2
        var row = [Float](repeating: 0, count: dim)
        for i in 0..<half {
            // float32 as PyTorch computes it: exponent, exp, then the product with t.
            let f = Float(Foundation.exp(Double(Float(-Foundation.log(10000.0)) * Float(i) / (Float(half) - config.freqShift))))
            let arg = t * f
            let sinV = Float(Foundation.sin(Double(arg))), cosV = Float(Foundation.cos(Double(arg)))
            row[i] = config.flipSinToCos ? cosV : sinV
            row[half + i] = config.flipSinToCos ? sinV : cosV
        }
        return Array((0..<batch).map { _ in row }.joined())
    }
}
