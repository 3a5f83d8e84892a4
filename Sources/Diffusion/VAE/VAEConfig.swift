/// The architecture of an `AutoencoderKL`, decoded from diffusers' `vae/config.json` or inferred from shapes.
public struct VAEConfig: Codable, Sendable, Equatable {
    /// Image channels in (`in_channels`) and out (`out_channels`).
    public var inChannels: Int, outChannels: Int
    /// Latent channels (4 for SD).
    public var latentChannels: Int
    /// Channels per resolution (encoder order).
    public var blockOutChannels: [Int]
    /// ResNets per encoder block (decoder blocks have one more).
    public var layersPerBlock: Int
    /// GroupNorm groups (epsilon is 1e-6 throughout).
    public var normNumGroups: Int
    /// The latent scale the pipeline divides by before `decode` (0.18215 for SD 1.x/2.x).
    public var scalingFactor: Float
    /// Whether the mid blocks have their attention (diffusers `mid_block_add_attention`).
    public var midBlockAddAttention: Bool
    /// Whether the 1×1 `quant_conv` / `post_quant_conv` exist.
    public var useQuantConv: Bool, usePostQuantConv: Bool

    /// Pixels per latent pixel along each side: 2^(blocks − 1), 8 for every SD VAE.
    public var downsamplingFactor: Int { 1 << (blockOutChannels.count - 1) }

    /// SD's VAE when defaulted.
    public init(inChannels: Int = 3, outChannels: Int = 3, latentChannels: Int = 4,
                blockOutChannels: [Int] = [128, 256, 512, 512], layersPerBlock: Int = 2, normNumGroups: Int = 32,
                scalingFactor: Float = 0.18215) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.normNumGroups = normNumGroups
        self.scalingFactor = scalingFactor
        midBlockAddAttention = true
        useQuantConv = true
        usePostQuantConv = true
    }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", latentChannels = "latent_channels"
        case blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case normNumGroups = "norm_num_groups", scalingFactor = "scaling_factor"
        case midBlockAddAttention = "mid_block_add_attention", useQuantConv = "use_quant_conv"
        case usePostQuantConv = "use_post_quant_conv", downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types", actFn = "act_fn"
    }

    /// Decodes diffusers' config.json (absent keys take diffusers' defaults).
    /// - Throws: `DecodingError`, or `DiffusionError.badConfig` for other block kinds.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 3
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? 3
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? 4
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? [64]
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? 1
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? 32
        scalingFactor = try c.decodeIfPresent(Float.self, forKey: .scalingFactor) ?? 0.18215
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? true
        useQuantConv = try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? true
        usePostQuantConv = try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? true
        for t in try c.decodeIfPresent([String].self, forKey: .downBlockTypes) ?? [] where t != "DownEncoderBlock2D" {
            throw DiffusionError.badConfig("VAE down block type \(t)")
        }
        for t in try c.decodeIfPresent([String].self, forKey: .upBlockTypes) ?? [] where t != "UpDecoderBlock2D" {
            throw DiffusionError.badConfig("VAE up block type \(t)")
        }
        if let act = try c.decodeIfPresent(String.self, forKey: .actFn), act != "silu" {
            throw DiffusionError.badConfig("VAE act_fn \(act)")
        }
    }

    /// Encodes with diffusers' keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(latentChannels, forKey: .latentChannels)
        try c.encode(blockOutChannels, forKey: .blockOutChannels)
        try c.encode(layersPerBlock, forKey: .layersPerBlock)
        try c.encode(normNumGroups, forKey: .normNumGroups)
        try c.encode(scalingFactor, forKey: .scalingFactor)
        try c.encode(midBlockAddAttention, forKey: .midBlockAddAttention)
        try c.encode(useQuantConv, forKey: .useQuantConv)
        try c.encode(usePostQuantConv, forKey: .usePostQuantConv)
    }

    /// Reconstructs the architecture from tensor shapes (the scaling factor stays SD's 0.18215).
    /// - Throws: `DiffusionError` when the tensors do not describe an AutoencoderKL.
    public static func inferred(from weights: any WeightSource) throws -> VAEConfig {
        func shape(_ name: String) throws -> [Int] {
            guard let s = weights.shape(of: name) else { throw DiffusionError.missingTensor(name) }
            return s
        }
        let names = weights.names
        func has(_ prefix: String) -> Bool { names.contains { $0.hasPrefix(prefix) } }
        var channels = [Int]()
        while has("encoder.down_blocks.\(channels.count).") {
            channels.append(try shape("encoder.down_blocks.\(channels.count).resnets.0.conv1.weight")[0])
        }
        guard !channels.isEmpty else { throw DiffusionError.badConfig("no encoder.down_blocks in the VAE weights") }
        var layers = 0
        while has("encoder.down_blocks.0.resnets.\(layers).") { layers += 1 }
        var config = VAEConfig(inChannels: try shape("encoder.conv_in.weight")[1], outChannels: try shape("decoder.conv_out.weight")[0],
                               latentChannels: try shape("decoder.conv_in.weight")[1], blockOutChannels: channels,
                               layersPerBlock: layers)
        config.midBlockAddAttention = has("decoder.mid_block.attentions.0.")
        config.useQuantConv = has("quant_conv.")
        config.usePostQuantConv = has("post_quant_conv.")
        return config
    }
}
