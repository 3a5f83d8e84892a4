/// Errors raised by the Generation module.
public enum GenerationError: Error, Equatable, CustomStringConvertible {
    /// A model file does not have the expected architecture.
    case modelMismatch(String)
    /// A latent vector has the wrong size or non-finite values.
    case badLatent(String)
    /// `--model` names no registered generator.
    case unknownModel(String, available: [String])
    /// A model file could not be found.
    case modelNotFound(String)
    /// The prompt or storyboard cannot be turned into keyframes.
    case badStoryboard(String)
    /// A render setting (duration, size, fps, ...) is out of range.
    case badSetting(String)
    /// A resume manifest does not match the current run.
    case resumeMismatch(String)

    public var description: String {
        switch self {
        case let .modelMismatch(m): return "model mismatch: \(m)"
        case let .badLatent(m): return "bad latent: \(m)"
        case let .unknownModel(n, a): return "unknown model '\(n)' (available: \(a.joined(separator: ", ")))"
        case let .modelNotFound(n): return "model file '\(n)' not found (set KINEMA_MODELS or run from the repository)"
        case let .badStoryboard(m): return "bad storyboard: \(m)"
        case let .badSetting(m): return "bad setting: \(m)"
        case let .resumeMismatch(m): return "cannot resume: \(m)"
        }
    }
}
