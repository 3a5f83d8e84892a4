import Foundation
import Neural

extension DiffusionCheckpoint {
    static func loadSingleFile(_ url: URL, configs: URL?) throws -> DiffusionCheckpoint {
        let file = SafeTensorsWeights([try CheckpointFile.openSafeTensors(url)])
        let names = file.names
        let unet = RenamedWeights(base: file, map: SingleFileNames.unet(names))
        guard !unet.map.isEmpty else { throw DiffusionError.missingComponent("UNet (model.diffusion_model.*) in \(url.lastPathComponent)") }
        let vae = RenamedWeights(base: file, map: SingleFileNames.vae(names, shape: file.shape(of:)))
        guard !vae.map.isEmpty else { throw DiffusionError.missingComponent("VAE (first_stage_model.*) in \(url.lastPathComponent)") }

        let text: RenamedWeights
        let layers: Int, activation: String, openCLIP: Bool
        if names.contains(where: { $0.hasPrefix(SingleFileNames.openCLIPPrefix) }) {
            let (map, n) = SingleFileNames.openCLIP(names, shape: file.shape(of:))
            text = RenamedWeights(base: file, map: map); layers = n; activation = "gelu"; openCLIP = true
        } else if names.contains(where: { $0.hasPrefix(SingleFileNames.clipPrefix) }) {
            text = RenamedWeights(base: file, map: SingleFileNames.clip(names))
            layers = Set(text.names.compactMap { n -> Int? in
                n.hasPrefix("encoder.layers.") ? Int(n.dropFirst(15).split(separator: ".").first ?? "") : nil
            }).count
            activation = "quick_gelu"; openCLIP = false
        } else {
            throw DiffusionError.missingComponent("text encoder (cond_stage_model.*) in \(url.lastPathComponent)")
        }

        var textConfig = try CLIPTextConfig.inferred(from: text, layers: layers, activation: activation)
        var tokenizer: CLIPTokenizer
        var unetJSON: Data?, vaeJSON: Data?, schedulerJSON: Data?
        if let configs {
            let c = try CLIPTextConfig(contentsOf: configs.appendingPathComponent("text_encoder/config.json"))
            guard c.numHiddenLayers == layers else {
                throw DiffusionError.badConfig("text_encoder/config.json has \(c.numHiddenLayers) layers; the checkpoint supplies \(layers)")
            }
            textConfig = c
            tokenizer = try CLIPTokenizer(folder: configs.appendingPathComponent("tokenizer"))
            unetJSON = FileManager.default.contents(atPath: configs.appendingPathComponent("unet/config.json").path)
            vaeJSON = FileManager.default.contents(atPath: configs.appendingPathComponent("vae/config.json").path)
            schedulerJSON = FileManager.default.contents(atPath: configs.appendingPathComponent("scheduler/scheduler_config.json").path)
        } else {
            tokenizer = try CLIPTokenizer.shipped(padWithZero: openCLIP)
        }
        try textConfig.validate(text)
        guard tokenizer.vocabulary.count <= textConfig.vocabSize else {
            throw DiffusionError.badShape("text_encoder embeddings.token_embedding.weight", expected: [tokenizer.vocabulary.count, textConfig.hiddenSize],
                                          got: [textConfig.vocabSize, textConfig.hiddenSize])
        }
        return DiffusionCheckpoint(source: url, isSingleFile: true, tokenizer: tokenizer, textConfig: textConfig, textWeights: text,
                                   unetConfigJSON: unetJSON, unetWeights: unet, vaeConfigJSON: vaeJSON, vaeWeights: vae,
                                   schedulerConfigJSON: schedulerJSON)
    }
}
