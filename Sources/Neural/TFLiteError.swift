/// Errors raised while reading or running a `.tflite` model.
public enum TFLiteError: Error, Equatable, CustomStringConvertible {
    /// The file is not a well-formed flatbuffer of the TFLite schema (truncated, bad offset, ...).
    case malformed(String)
    /// The model is well-formed but uses something this runtime does not implement.
    case unsupported(String)
    /// The graph is inconsistent (bad tensor index, shape that does not fit the op, ...).
    case invalidGraph(String)
    /// `run` was given inputs that do not match the model's input shapes.
    case badInput(String)

    public var description: String {
        switch self {
        case let .malformed(m): return "malformed .tflite file: \(m)"
        case let .unsupported(m): return "unsupported .tflite feature: \(m)"
        case let .invalidGraph(m): return "invalid .tflite graph: \(m)"
        case let .badInput(m): return "bad interpreter input: \(m)"
        }
    }
}
