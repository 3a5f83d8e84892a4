/// Errors raised by the face-swap library.
public enum FaceSwapError: Error, Equatable, CustomStringConvertible {
    /// Points or landmarks that cannot be triangulated or warped.
    case degenerateGeometry(String)
    /// The source image has no detectable face (or not the requested one).
    case noSourceFace(String)
    /// A parameter is out of range.
    case invalidArgument(String)
    /// Reading or writing media failed.
    case io(String)

    /// One-line message for users.
    public var description: String {
        switch self {
        case .degenerateGeometry(let m): return "degenerate face geometry: \(m)"
        case .noSourceFace(let m): return "no face in the source image: \(m)"
        case .invalidArgument(let m): return "invalid argument: \(m)"
        case .io(let m): return m
        }
    }
}
