/// Errors raised while loading or running a diffusion pipeline. Each reads as one line for the user.
public enum DiffusionError: Error, Equatable, CustomStringConvertible {
    /// A pickle checkpoint (`.ckpt`, `.pt`, `.bin`, `.pth`); Kinema never unpickles.
    case pickle(String)
    /// A pipeline part (file or folder) is absent.
    case missingComponent(String)
    /// A config file is unreadable or inconsistent.
    case badConfig(String)
    /// A tensor is absent from the weights.
    case missingTensor(String)
    /// A tensor has a shape the architecture does not expect.
    case badShape(String, expected: [Int], got: [Int])
    /// The tokenizer files are unusable.
    case badTokenizer(String)
    /// A scheduler class or option Kinema does not support.
    case unsupportedScheduler(String)
    /// A user option is out of range or malformed.
    case badOption(String)
    /// A weights path that is neither a diffusers folder nor a `.safetensors` file.
    case badWeights(String)

    public var description: String {
        switch self {
        case let .pickle(p):
            return "\(p) is a pickle checkpoint, which Kinema never loads; convert it to .safetensors first"
        case let .missingComponent(m): return "missing pipeline component: \(m)"
        case let .badConfig(m): return "bad config: \(m)"
        case let .missingTensor(n): return "the weights have no tensor '\(n)'"
        case let .badShape(n, e, g): return "tensor '\(n)' has shape \(g), expected \(e)"
        case let .badTokenizer(m): return "bad tokenizer: \(m)"
        case let .unsupportedScheduler(m): return m
        case let .badOption(m): return m
        case let .badWeights(m): return m
        }
    }
}
