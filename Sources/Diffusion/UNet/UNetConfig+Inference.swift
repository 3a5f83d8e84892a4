extension UNetConfig {
    /// Reconstructs the architecture from tensor shapes alone (single-file checkpoints carry no config).
    ///
    /// Channels, layer counts, block kinds, the projection kind, cross-attention width and
    /// `only_cross_attention` follow from shapes. Head counts do not: they follow the families' original
    /// configs, 8 heads for a 768-wide text encoder (SD 1.x) and 64-wide heads otherwise (SD 2.x).
    /// - Throws: `DiffusionError` when the tensors do not describe a UNet.
    public static func inferred(from weights: any WeightSource) throws -> UNetConfig {
        func shape(_ name: String) throws -> [Int] {
            guard let s = weights.shape(of: name) else { throw DiffusionError.missingTensor(name) }
            return s
        }
        let names = Set(weights.names)
        func has(_ prefix: String) -> Bool { names.contains { $0.hasPrefix(prefix) } }
        func count(_ prefix: String) -> Int {
            var i = 0
            while has("\(prefix).\(i).") { i += 1 }
            return i
        }
        let blocks = count("down_blocks")
        guard blocks > 0, count("up_blocks") == blocks else {
            throw DiffusionError.badConfig("cannot find matching down_blocks/up_blocks in the UNet weights")
        }
        var channels = [Int](), layers = [Int](), down = [String](), up = [String](), cross = [Int](), depth = [Int]()
        var onlyCross = [Bool](), linear = false
        for i in 0..<blocks {
            channels.append(try shape("down_blocks.\(i).resnets.0.conv1.weight")[0])
            layers.append(count("down_blocks.\(i).resnets"))
            let attn = has("down_blocks.\(i).attentions.0.")
            down.append(attn ? "CrossAttnDownBlock2D" : "DownBlock2D")
            up.append(has("up_blocks.\(i).attentions.0.") ? "CrossAttnUpBlock2D" : "UpBlock2D")
        }
        // Cross-attention facts from the first attention found (down, else mid).
        let probe = (0..<blocks).first { down[$0] == "CrossAttnDownBlock2D" }.map { "down_blocks.\($0).attentions.0" }
            ?? "mid_block.attentions.0"
        let block0 = "\(probe).transformer_blocks.0"
        let crossDim = try shape("\(block0).attn2.to_k.weight")[1]
        linear = try shape("\(probe).proj_in.weight").count == 2
        for i in 0..<blocks {
            let prefix = "down_blocks.\(i).attentions.0"
            let attn = has(prefix + ".")
            cross.append(attn ? try shape("\(prefix).transformer_blocks.0.attn2.to_k.weight")[1] : crossDim)
            depth.append(attn ? count("\(prefix).transformer_blocks") : count("\(probe).transformer_blocks"))
            let inner = channels[i]
            onlyCross.append(attn ? try shape("\(prefix).transformer_blocks.0.attn1.to_k.weight")[1] != inner : false)
        }
        let heads = channels.map { crossDim == 768 ? 8 : max(1, $0 / 64) }
        var config = UNetConfig(inChannels: try shape("conv_in.weight")[1], outChannels: try shape("conv_out.weight")[0],
                                downBlockTypes: down, upBlockTypes: up, blockOutChannels: channels,
                                layersPerBlock: layers[0], attentionHeads: heads, crossAttentionDim: crossDim,
                                useLinearProjection: linear)
        config.layersPerBlock = layers
        config.crossAttentionDim = cross
        config.transformerLayersPerBlock = depth
        config.onlyCrossAttention = onlyCross
        try config.validate()
        return config
    }
}
