/// The architecture of a `UNet2DConditionModel`, decoded from diffusers' `unet/config.json` (snake_case
/// keys, diffusers' defaults for absent keys) or inferred from tensor shapes (`inferred(from:)`).
public struct UNetConfig: Codable, Sendable, Equatable {
    /// Latent channels in (`in_channels`) and out (`out_channels`).
    public var inChannels: Int, outChannels: Int
    /// `CrossAttnDownBlock2D` or `DownBlock2D`, per resolution.
    public var downBlockTypes: [String]
    /// `UpBlock2D` or `CrossAttnUpBlock2D`, per resolution (deepest first).
    public var upBlockTypes: [String]
    /// `UNetMidBlock2DCrossAttn` (the only mid block SD uses).
    public var midBlockType: String
    /// Channels per resolution.
    public var blockOutChannels: [Int]
    /// ResNets per down block (up blocks have one more), one value per block.
    public var layersPerBlock: [Int]
    /// Heads per block (diffusers: `num_attention_heads`, else `attention_head_dim`, which old configs
    /// misuse as the head count).
    public var attentionHeads: [Int]
    /// Text-state width per block.
    public var crossAttentionDim: [Int]
    /// Transformer blocks per attention, per block.
    public var transformerLayersPerBlock: [Int]
    /// Linear (SD2) instead of 1×1-conv (SD1) proj_in/proj_out.
    public var useLinearProjection: Bool
    /// Per block: the first attention attends to the text too.
    public var onlyCrossAttention: [Bool]
    /// GroupNorm groups and the ResNets' epsilon.
    public var normNumGroups: Int, normEps: Float
    /// Sinusoidal timestep embedding: cos first (`flip_sin_to_cos`), frequency shift.
    public var flipSinToCos: Bool, freqShift: Float
    /// Padding of the down-samplers' stride-2 convs.
    public var downsamplePadding: Int
    /// Computes in float32 anyway; read so configs that set it decode.
    public var upcastAttention: Bool

    /// Channels of the latent the UNet denoises.
    public var latentChannels: Int { inChannels }

    /// Rejects what this implementation does not run (one line naming the key).
    /// - Throws: `DiffusionError.badConfig`.
    public func validate() throws {
        let n = blockOutChannels.count
        guard n > 0, downBlockTypes.count == n, upBlockTypes.count == n else {
            throw DiffusionError.badConfig("block lists of different lengths (block_out_channels \(n), down \(downBlockTypes.count), up \(upBlockTypes.count))")
        }
        for list in [layersPerBlock.count, attentionHeads.count, crossAttentionDim.count,
                     transformerLayersPerBlock.count, onlyCrossAttention.count] where list != n {
            throw DiffusionError.badConfig("a per-block list has \(list) entries for \(n) blocks")
        }
        for t in downBlockTypes where t != "CrossAttnDownBlock2D" && t != "DownBlock2D" {
            throw DiffusionError.badConfig("down block type \(t)")
        }
        for t in upBlockTypes where t != "CrossAttnUpBlock2D" && t != "UpBlock2D" {
            throw DiffusionError.badConfig("up block type \(t)")
        }
        guard midBlockType == "UNetMidBlock2DCrossAttn" else {
            throw DiffusionError.badConfig("mid block type \(midBlockType)")
        }
    }

    /// Builds a config from explicit values (SD-1.5's when defaulted).
    public init(inChannels: Int = 4, outChannels: Int = 4,
                downBlockTypes: [String] = ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
                upBlockTypes: [String] = ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
                blockOutChannels: [Int] = [320, 640, 1280, 1280], layersPerBlock: Int = 2,
                attentionHeads: [Int] = [8, 8, 8, 8], crossAttentionDim: Int = 768,
                useLinearProjection: Bool = false, normNumGroups: Int = 32) {
        let n = blockOutChannels.count
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.downBlockTypes = downBlockTypes
        self.upBlockTypes = upBlockTypes
        self.midBlockType = "UNetMidBlock2DCrossAttn"
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = Array(repeating: layersPerBlock, count: n)
        self.attentionHeads = attentionHeads
        self.crossAttentionDim = Array(repeating: crossAttentionDim, count: n)
        self.transformerLayersPerBlock = Array(repeating: 1, count: n)
        self.useLinearProjection = useLinearProjection
        self.onlyCrossAttention = Array(repeating: false, count: n)
        self.normNumGroups = normNumGroups
        self.normEps = 1e-5
        self.flipSinToCos = true
        self.freqShift = 0
        self.downsamplePadding = 1
        self.upcastAttention = false
    }

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types", midBlockType = "mid_block_type", blockOutChannels = "block_out_channels"
        case layersPerBlock = "layers_per_block", attentionHeads = "num_attention_heads"
        case attentionHeadDim = "attention_head_dim", crossAttentionDim = "cross_attention_dim"
        case transformerLayersPerBlock = "transformer_layers_per_block", useLinearProjection = "use_linear_projection"
        case onlyCrossAttention = "only_cross_attention", normNumGroups = "norm_num_groups", normEps = "norm_eps"
        case flipSinToCos = "flip_sin_to_cos", freqShift = "freq_shift", downsamplePadding = "downsample_padding"
        case upcastAttention = "upcast_attention"
        // Keys whose non-default values change the architecture in ways SD 1.x/2.x never use.
        case timeCondProjDim = "time_cond_proj_dim", classEmbedType = "class_embed_type"
        case additionEmbedType = "addition_embed_type", actFn = "act_fn", resnetTimeScaleShift = "resnet_time_scale_shift"
        case timeEmbeddingType = "time_embedding_type", dualCrossAttention = "dual_cross_attention"
        case centerInputSample = "center_input_sample", convInKernel = "conv_in_kernel", convOutKernel = "conv_out_kernel"
        case midBlockScaleFactor = "mid_block_scale_factor", encoderHidDim = "encoder_hid_dim"
    }

    /// Decodes diffusers' config.json.
    /// - Throws: `DecodingError`, or `DiffusionError.badConfig` for an architecture SD does not use.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? 4
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? 4
        downBlockTypes = try c.decodeIfPresent([String].self, forKey: .downBlockTypes)
            ?? ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"]
        upBlockTypes = try c.decodeIfPresent([String].self, forKey: .upBlockTypes)
            ?? ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
        midBlockType = try c.decodeIfPresent(String.self, forKey: .midBlockType) ?? "UNetMidBlock2DCrossAttn"
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? [320, 640, 1280, 1280]
        let n = blockOutChannels.count
        func perBlock<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> [T] {
            if let list = try? c.decodeIfPresent([T].self, forKey: key) { return list }
            return Array(repeating: try c.decodeIfPresent(T.self, forKey: key) ?? fallback, count: n)
        }
        layersPerBlock = try perBlock(.layersPerBlock, 2)
        let headDim = try perBlock(.attentionHeadDim, 8)
        let heads = try? c.decodeIfPresent([Int].self, forKey: .attentionHeads)
        let head = try? c.decodeIfPresent(Int.self, forKey: .attentionHeads)
        attentionHeads = heads ?? head.map { Array(repeating: $0, count: n) } ?? headDim
        crossAttentionDim = try perBlock(.crossAttentionDim, 1280)
        transformerLayersPerBlock = try perBlock(.transformerLayersPerBlock, 1)
        useLinearProjection = try c.decodeIfPresent(Bool.self, forKey: .useLinearProjection) ?? false
        onlyCrossAttention = try perBlock(.onlyCrossAttention, false)
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? 32
        normEps = try c.decodeIfPresent(Float.self, forKey: .normEps) ?? 1e-5
        flipSinToCos = try c.decodeIfPresent(Bool.self, forKey: .flipSinToCos) ?? true
        freqShift = try c.decodeIfPresent(Float.self, forKey: .freqShift) ?? 0
        downsamplePadding = try c.decodeIfPresent(Int.self, forKey: .downsamplePadding) ?? 1
        upcastAttention = try c.decodeIfPresent(Bool.self, forKey: .upcastAttention) ?? false
        try Self.rejectUnsupported(c)
    }

    private static func rejectUnsupported(_ c: KeyedDecodingContainer<CodingKeys>) throws {
        func nonNull(_ key: CodingKeys) -> Bool { ((try? c.decodeNil(forKey: key)) ?? true) == false }
        for key in [CodingKeys.timeCondProjDim, .classEmbedType, .additionEmbedType, .encoderHidDim] where nonNull(key) {
            throw DiffusionError.badConfig("\(key.stringValue) is set (SD 1.x/2.x/Turbo leave it null)")
        }
        let expected: [(CodingKeys, String)] = [(.actFn, "silu"), (.resnetTimeScaleShift, "default"), (.timeEmbeddingType, "positional")]
        for (key, value) in expected {
            if let v = try? c.decodeIfPresent(String.self, forKey: key), v != value {
                throw DiffusionError.badConfig("\(key.stringValue) = \(v)")
            }
        }
        for key in [CodingKeys.dualCrossAttention, .centerInputSample] {
            if (try? c.decodeIfPresent(Bool.self, forKey: key)) == true {
                throw DiffusionError.badConfig("\(key.stringValue) = true")
            }
        }
        for key in [CodingKeys.convInKernel, .convOutKernel] {
            if let k = try? c.decodeIfPresent(Int.self, forKey: key), k != 3 {
                throw DiffusionError.badConfig("\(key.stringValue) = \(k)")
            }
        }
        if let f = try? c.decodeIfPresent(Float.self, forKey: .midBlockScaleFactor), f != 1 {
            throw DiffusionError.badConfig("mid_block_scale_factor = \(f)")
        }
    }

    /// Encodes with diffusers' keys (per-block lists written out).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(outChannels, forKey: .outChannels)
        try c.encode(downBlockTypes, forKey: .downBlockTypes)
        try c.encode(upBlockTypes, forKey: .upBlockTypes)
        try c.encode(midBlockType, forKey: .midBlockType)
        try c.encode(blockOutChannels, forKey: .blockOutChannels)
        try c.encode(layersPerBlock, forKey: .layersPerBlock)
        try c.encode(attentionHeads, forKey: .attentionHeads)
        try c.encode(crossAttentionDim, forKey: .crossAttentionDim)
        try c.encode(transformerLayersPerBlock, forKey: .transformerLayersPerBlock)
        try c.encode(useLinearProjection, forKey: .useLinearProjection)
        try c.encode(onlyCrossAttention, forKey: .onlyCrossAttention)
        try c.encode(normNumGroups, forKey: .normNumGroups)
        try c.encode(normEps, forKey: .normEps)
        try c.encode(flipSinToCos, forKey: .flipSinToCos)
        try c.encode(freqShift, forKey: .freqShift)
        try c.encode(downsamplePadding, forKey: .downsamplePadding)
        try c.encode(upcastAttention, forKey: .upcastAttention)
    }
}
