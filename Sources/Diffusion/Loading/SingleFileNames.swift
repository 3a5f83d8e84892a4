/// Renames the tensors of an original-layout (CompVis / Stability) single-file checkpoint to the names
/// diffusers and transformers use, so the networks only ever read one naming. Mirrors diffusers'
/// single-file conversion, generalised to any block count and `layers_per_block`.
enum SingleFileNames {
    static let unetPrefix = "model.diffusion_model."
    static let vaePrefix = "first_stage_model."
    static let clipPrefix = "cond_stage_model.transformer."
    static let openCLIPPrefix = "cond_stage_model.model."

    private static let resnetParts = ["in_layers.0": "norm1", "in_layers.2": "conv1", "out_layers.0": "norm2",
                                      "out_layers.3": "conv2", "emb_layers.1": "time_emb_proj", "skip_connection": "conv_shortcut"]

    /// A resnet's inner name (`in_layers.0.weight` → `norm1.weight`).
    private static func resnet(_ rest: String) -> String {
        for (a, b) in resnetParts where rest.hasPrefix(a + ".") { return b + rest.dropFirst(a.count) }
        return rest
    }

    /// UNet: `model.diffusion_model.*` → `UNet2DConditionModel` names. Keys it does not know (EMA copies,
    /// schedule buffers) are left out.
    static func unet(_ names: [String]) -> [String: RenamedWeights.Mapping] {
        let keys = names.filter { $0.hasPrefix(unetPrefix) }.map { String($0.dropFirst(unetPrefix.count)) }
        // layers_per_block + 1 input blocks per level: the first downsampler ("op") sits at index L + 1.
        let ops = keys.compactMap { k -> Int? in
            let p = k.split(separator: ".")
            return p.count > 3 && p[0] == "input_blocks" && p[3] == "op" ? Int(p[1]) : nil
        }
        let maxInput = keys.compactMap { k -> Int? in
            let p = k.split(separator: "."); return p.count > 1 && p[0] == "input_blocks" ? Int(p[1]) : nil
        }.max() ?? 1
        let perLevel = (ops.min() ?? (maxInput + 1)) // = L + 1
        var map: [String: RenamedWeights.Mapping] = [:]
        let fixed = ["time_embed.0.": "time_embedding.linear_1.", "time_embed.2.": "time_embedding.linear_2.",
                     "input_blocks.0.0.": "conv_in.", "out.0.": "conv_norm_out.", "out.2.": "conv_out."]
        for k in keys {
            var new: String?
            if let (a, b) = fixed.first(where: { k.hasPrefix($0.key) }) { new = b + k.dropFirst(a.count) }
            if new == nil, k.hasPrefix("middle_block.") {
                let m = k.split(separator: ".", maxSplits: 2).map(String.init)
                if m.count == 3, let n = Int(m[1]) {
                    if n == 1 { new = "mid_block.attentions.0." + m[2] } else if n == 0 || n == 2 { new = "mid_block.resnets.\(n / 2)." + resnet(m[2]) }
                }
            }
            let p = k.split(separator: ".", maxSplits: 3).map(String.init)
            if new == nil, p.count == 4, let n = Int(p[1]), let sub = Int(p[2]) {
                let rest = p[3]
                switch p[0] {
                case "input_blocks" where n >= 1:
                    let i = (n - 1) / perLevel, j = (n - 1) % perLevel
                    if rest.hasPrefix("op.") { new = "down_blocks.\(i).downsamplers.0.conv." + rest.dropFirst(3) }
                    else if sub == 0 { new = "down_blocks.\(i).resnets.\(j)." + resnet(rest) }
                    else if sub == 1 { new = "down_blocks.\(i).attentions.\(j)." + rest }
                case "output_blocks":
                    let i = n / perLevel, j = n % perLevel
                    if sub == 0 { new = "up_blocks.\(i).resnets.\(j)." + resnet(rest) }
                    else if rest.hasPrefix("conv.") { new = "up_blocks.\(i).upsamplers.0." + rest }
                    else if sub == 1 { new = "up_blocks.\(i).attentions.\(j)." + rest }
                default: break
                }
            }
            if let new { map[new] = .init(unetPrefix + k) }
        }
        return map
    }

    /// VAE: `first_stage_model.*` → `AutoencoderKL` names (decoder levels are numbered in reverse, and the
    /// mid-block attention's 1×1 convolutions become linear weights).
    static func vae(_ names: [String], shape: (String) -> [Int]?) -> [String: RenamedWeights.Mapping] {
        let keys = names.filter { $0.hasPrefix(vaePrefix) }.map { String($0.dropFirst(vaePrefix.count)) }
        let levels = Set(keys.compactMap { k -> Int? in
            let p = k.split(separator: "."); return p.count > 2 && p[0] == "decoder" && p[1] == "up" ? Int(p[2]) : nil
        }).count
        var map: [String: RenamedWeights.Mapping] = [:]
        for k in keys {
            let p = k.split(separator: ".").map(String.init)
            guard p.count >= 2 else { continue }
            var new: String
            var reshape: [Int]? = nil
            switch p[1] {
            case "down" where p.count > 4, "up" where p.count > 4:
                guard let lvl = Int(p[2]) else { continue }
                let i = p[1] == "down" ? lvl : levels - 1 - lvl
                let blocks = p[1] == "down" ? "down_blocks" : "up_blocks"
                if p[3] == "block" { new = "\(p[0]).\(blocks).\(i).resnets.\(p[4])." + p[5...].joined(separator: ".") }
                else if p[3] == "downsample" { new = "\(p[0]).\(blocks).\(i).downsamplers.0." + p[4...].joined(separator: ".") }
                else if p[3] == "upsample" { new = "\(p[0]).\(blocks).\(i).upsamplers.0." + p[4...].joined(separator: ".") }
                else { continue }
            case "mid" where p.count > 3:
                if p[2].hasPrefix("block_"), let b = Int(p[2].dropFirst(6)) {
                    new = "\(p[0]).mid_block.resnets.\(b - 1)." + p[3...].joined(separator: ".")
                } else if p[2] == "attn_1" {
                    let part = ["norm": "group_norm", "q": "to_q", "k": "to_k", "v": "to_v", "proj_out": "to_out.0"][p[3]]
                    guard let part else { continue }
                    new = "\(p[0]).mid_block.attentions.0.\(part)." + p[4...].joined(separator: ".")
                    if let s = shape(vaePrefix + k), s.count == 4, s[2] == 1, s[3] == 1 { reshape = [s[0], s[1]] }
                } else { continue }
            default:
                new = k
            }
            new = new.replacingOccurrences(of: ".nin_shortcut.", with: ".conv_shortcut.")
                .replacingOccurrences(of: "encoder.norm_out.", with: "encoder.conv_norm_out.")
                .replacingOccurrences(of: "decoder.norm_out.", with: "decoder.conv_norm_out.")
            map[new] = .init(vaePrefix + k, shape: reshape)
        }
        return map
    }

    /// CLIP (SD1): `cond_stage_model.transformer.[text_model.]*` → CLIPTextModel names without `text_model.`.
    static func clip(_ names: [String]) -> [String: RenamedWeights.Mapping] {
        var map: [String: RenamedWeights.Mapping] = [:]
        for n in names where n.hasPrefix(clipPrefix) {
            var k = String(n.dropFirst(clipPrefix.count))
            if k.hasPrefix("text_model.") { k = String(k.dropFirst(11)) }
            if k.hasSuffix("position_ids") { continue }
            map[k] = .init(n)
        }
        return map
    }

    /// OpenCLIP (SD2): `cond_stage_model.model.*` → CLIPTextModel names, keeping all but the last layer
    /// (SD2 conditions on the penultimate layer, then the final layer norm) and splitting the packed q/k/v.
    static func openCLIP(_ names: [String], shape: (String) -> [Int]?) -> (map: [String: RenamedWeights.Mapping], layers: Int) {
        let pre = openCLIPPrefix
        let count = Set(names.compactMap { n -> Int? in
            guard n.hasPrefix(pre + "transformer.resblocks.") else { return nil }
            return Int(n.dropFirst((pre + "transformer.resblocks.").count).split(separator: ".").first ?? "")
        }).count
        var map: [String: RenamedWeights.Mapping] = [
            "embeddings.token_embedding.weight": .init(pre + "token_embedding.weight"),
            "embeddings.position_embedding.weight": .init(pre + "positional_embedding"),
            "final_layer_norm.weight": .init(pre + "ln_final.weight"),
            "final_layer_norm.bias": .init(pre + "ln_final.bias"),
        ]
        let layers = max(count - 1, 0)
        for i in 0..<layers {
            let r = pre + "transformer.resblocks.\(i).", l = "encoder.layers.\(i)."
            let pairs = ["ln_1": "layer_norm1", "ln_2": "layer_norm2", "attn.out_proj": "self_attn.out_proj",
                         "mlp.c_fc": "mlp.fc1", "mlp.c_proj": "mlp.fc2"]
            for (a, b) in pairs { for s in ["weight", "bias"] { map[l + b + "." + s] = .init(r + a + "." + s) } }
            let d = (shape(r + "attn.in_proj_weight")?.first ?? 0) / 3
            for (q, name) in ["q", "k", "v"].enumerated() {
                let rows = (q * d)..<((q + 1) * d)
                map[l + "self_attn.\(name)_proj.weight"] = .init(r + "attn.in_proj_weight", rows: rows)
                map[l + "self_attn.\(name)_proj.bias"] = .init(r + "attn.in_proj_bias", rows: rows)
            }
        }
        return (map, layers)
    }
}
