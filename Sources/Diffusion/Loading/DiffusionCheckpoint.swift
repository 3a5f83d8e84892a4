import Foundation
import Neural

/// The parts of a Stable Diffusion pipeline read from the user's weights: a diffusers folder
/// (`model_index.json` with `unet/`, `vae/`, `text_encoder/`, `tokenizer/`, `scheduler/`) or one original-layout
/// `.safetensors` file (`model.diffusion_model.*`, `first_stage_model.*`, `cond_stage_model.*`).
///
/// Weights stay memory-mapped; every network sees diffusers / transformers tensor names.
public struct DiffusionCheckpoint: Sendable {
    /// The path given.
    public let source: URL
    /// True for a single-file checkpoint.
    public let isSingleFile: Bool
    /// The prompt tokenizer (the folder's own, or the shipped CLIP BPE for single files).
    public let tokenizer: CLIPTokenizer
    /// The text encoder's architecture.
    public let textConfig: CLIPTextConfig
    /// Text-encoder tensors (CLIPTextModel names without `text_model.`).
    public let textWeights: any WeightSource
    /// `unet/config.json`, or nil when the architecture must come from tensor shapes.
    public let unetConfigJSON: Data?
    /// UNet tensors (`UNet2DConditionModel` names).
    public let unetWeights: any WeightSource
    /// `vae/config.json`, or nil.
    public let vaeConfigJSON: Data?
    /// VAE tensors (`AutoencoderKL` names).
    public let vaeWeights: any WeightSource
    /// `scheduler/scheduler_config.json`, or nil (single files carry no scheduler).
    public let schedulerConfigJSON: Data?

    /// True when the text encoder is OpenCLIP (SD 2.x), false for OpenAI CLIP (SD 1.x).
    public var isOpenCLIP: Bool { textConfig.hiddenAct == "gelu" }

    /// Loads a diffusers folder or a single `.safetensors` file. `configs`, when given, is a diffusers folder
    /// whose configs and tokenizer replace the inferred ones for a single file (as diffusers' `config=` does).
    /// - Throws: `DiffusionError.pickle` for a pickle checkpoint, `.missingComponent`, `.badWeights`, `.badConfig`,
    ///   `.badShape`, or `SafeTensorsError` for a damaged file.
    public static func load(_ url: URL, configs: URL? = nil) throws -> DiffusionCheckpoint {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw DiffusionError.badWeights("\(url.path) does not exist")
        }
        if isDir.boolValue { return try loadFolder(url) }
        try CheckpointFile.refusePickle(url)
        guard url.pathExtension.lowercased() == "safetensors" else {
            throw DiffusionError.badWeights("\(url.lastPathComponent) is neither a diffusers folder nor a .safetensors file")
        }
        return try loadSingleFile(url, configs: configs)
    }

    static func loadFolder(_ root: URL) throws -> DiffusionCheckpoint {
        let fm = FileManager.default
        guard fm.fileExists(atPath: root.appendingPathComponent("model_index.json").path) else {
            throw DiffusionError.missingComponent("model_index.json in \(root.path) (not a diffusers pipeline folder)")
        }
        func folder(_ n: String) throws -> URL {
            let u = root.appendingPathComponent(n)
            var d: ObjCBool = false
            guard fm.fileExists(atPath: u.path, isDirectory: &d), d.boolValue else { throw DiffusionError.missingComponent("\(n)/ in \(root.path)") }
            return u
        }
        func config(_ dir: URL, _ n: String) throws -> Data {
            let u = dir.appendingPathComponent(n)
            guard let d = fm.contents(atPath: u.path) else { throw DiffusionError.missingComponent("\(dir.lastPathComponent)/\(n) in \(root.path)") }
            return d
        }
        let unetDir = try folder("unet"), vaeDir = try folder("vae"), textDir = try folder("text_encoder")
        let tokenizer = try CLIPTokenizer(folder: try folder("tokenizer"))
        let scheduler = try config(try folder("scheduler"), "scheduler_config.json")
        let textConfigData = try config(textDir, "config.json")
        let textConfig: CLIPTextConfig
        do { textConfig = try JSONDecoder().decode(CLIPTextConfig.self, from: textConfigData) } catch {
            throw DiffusionError.badConfig("text_encoder/config.json: \(error)")
        }
        var text: any WeightSource = try SafeTensorsWeights(contentsOf: weightFiles(textDir))
        // transformers 4 saved "text_model.*"; transformers 5 drops the prefix.
        if text.shape(of: "text_model.embeddings.token_embedding.weight") != nil { text = text.scoped("text_model.") }
        try textConfig.validate(text)
        return DiffusionCheckpoint(source: root, isSingleFile: false, tokenizer: tokenizer, textConfig: textConfig, textWeights: text,
                                   unetConfigJSON: try config(unetDir, "config.json"), unetWeights: try SafeTensorsWeights(contentsOf: weightFiles(unetDir)),
                                   vaeConfigJSON: try config(vaeDir, "config.json"), vaeWeights: try SafeTensorsWeights(contentsOf: weightFiles(vaeDir)),
                                   schedulerConfigJSON: scheduler)
    }

    /// A component folder's weight files: the shards an `*.safetensors.index.json` lists, else the one
    /// full-precision `.safetensors` file, else a variant (`*.fp16.safetensors`). Pickles only = refused.
    static func weightFiles(_ dir: URL) throws -> [URL] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        if let index = names.first(where: { $0.hasSuffix(".safetensors.index.json") }) {
            guard let d = FileManager.default.contents(atPath: dir.appendingPathComponent(index).path),
                  let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let map = obj["weight_map"] as? [String: String] else {
                throw DiffusionError.badConfig("\(dir.lastPathComponent)/\(index) has no weight_map")
            }
            return Set(map.values).sorted().map { dir.appendingPathComponent($0) }
        }
        let st = names.filter { $0.hasSuffix(".safetensors") }
        let plain = st.filter { $0 == "diffusion_pytorch_model.safetensors" || $0 == "model.safetensors" }
        if let f = plain.first ?? st.first { return [dir.appendingPathComponent(f)] }
        if let p = names.first(where: { CheckpointFile.pickleExtensions.contains(URL(fileURLWithPath: $0).pathExtension) }) {
            throw DiffusionError.pickle("\(dir.lastPathComponent)/\(p)")
        }
        throw DiffusionError.missingComponent("weights (.safetensors) in \(dir.path)")
    }
}
