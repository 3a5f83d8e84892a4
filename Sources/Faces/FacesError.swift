/// Errors thrown by the face detector and landmarker.
public enum FacesError: Error, Equatable, CustomStringConvertible {
    /// A model produced tensors of an unexpected shape or count.
    case badModelOutput(String)
    /// A model's input shape is not what this code drives.
    case badModelInput(String)
    /// The image cannot be processed (empty, or an unsupported channel count).
    case badImage(String)

    /// One-line message for the user.
    public var description: String {
        switch self {
        case .badModelOutput(let m): return "face model output: \(m)"
        case .badModelInput(let m): return "face model input: \(m)"
        case .badImage(let m): return "face image: \(m)"
        }
    }
}
