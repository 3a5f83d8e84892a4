/// Why a diffusion network could not be built or run (one line each, for the CLI).
public enum DiffusionNetworkError: Error, Equatable, CustomStringConvertible {
    /// A tensor the configuration needs is not in the weights.
    case missingTensor(String)
    /// A tensor has another shape than the configuration implies.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A configuration value this implementation does not support.
    case unsupported(String)
    /// An input tensor has the wrong shape.
    case badInput(String)

    public var description: String {
        switch self {
        case let .missingTensor(name): return "weights lack tensor '\(name)'"
        case let .shapeMismatch(name, expected, found):
            return "tensor '\(name)' has shape \(found), the config implies \(expected)"
        case let .unsupported(what): return "unsupported model configuration: \(what)"
        case let .badInput(what): return "bad network input: \(what)"
        }
    }
}
