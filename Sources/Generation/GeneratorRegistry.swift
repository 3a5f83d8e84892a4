import Foundation

/// Maps `--model` names to generator backends.
///
/// New backends (e.g. a latent-diffusion model on user-supplied weights) register a loader here.
public enum GeneratorRegistry {
    /// A loader that builds a generator from the models directory search.
    public typealias Loader = @Sendable () throws -> any LatentGenerator

    /// The default model name.
    public static let defaultModel = "dcgan-faces-64"

    /// Registered names, sorted.
    public static var names: [String] { loaders.keys.sorted() }

    private static let loaders: [String: Loader] = [
        "dcgan-faces-64": { try DCGANFaceGenerator(contentsOf: locate("dcgan-faces-64.safetensors")) },
    ]

    /// Loads the generator registered under `name`.
    /// - Throws: `GenerationError.unknownModel`, `GenerationError.modelNotFound`, or the loader's errors.
    public static func load(_ name: String) throws -> any LatentGenerator {
        guard let l = loaders[name] else { throw GenerationError.unknownModel(name, available: names) }
        return try l()
    }

    /// Finds a file in Kinema's `models/` folder: `$KINEMA_MODELS`, then `models/` beside or above the
    /// executable, then the current directory's `models/`, then the source checkout.
    /// - Throws: `GenerationError.modelNotFound`.
    public static func locate(_ file: String) throws -> URL {
        let fm = FileManager.default
        var dirs: [URL] = []
        if let env = ProcessInfo.processInfo.environment["KINEMA_MODELS"] { dirs.append(URL(fileURLWithPath: env)) }
        var exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 { dirs.append(exe.appendingPathComponent("models")); exe = exe.deletingLastPathComponent() }
        dirs.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("models"))
        let src = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(src.appendingPathComponent("models"))
        for d in dirs {
            let u = d.appendingPathComponent(file)
            if fm.fileExists(atPath: u.path) { return u }
        }
        throw GenerationError.modelNotFound(file)
    }
}
