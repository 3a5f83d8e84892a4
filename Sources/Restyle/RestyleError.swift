/// Errors of the restyle pipeline.
public enum RestyleError: Error, Equatable, CustomStringConvertible {
    /// The style image could not be read or decoded.
    case badStyleImage(path: String, reason: String)
    /// The style image is too small to take colour statistics from.
    case styleImageTooSmall(path: String, width: Int, height: Int)
    /// The input video has no frames.
    case emptyVideo(path: String)
    /// A coherence weight outside 0…1.
    case badCoherence(Float)
    /// A style name that is not one of `Style`'s.
    case unknownStyle(String)
    /// A palette preset name that is not one of `PalettePreset`'s.
    case unknownPalette(String)
    /// The input file does not exist.
    case noSuchInput(path: String)
    /// A `--style` value with bad painting syntax, style number or weights.
    case badStyleSpec(String, reason: String)
    /// `--style neural` without `--style-image`.
    case neuralNeedsStyleImage
    /// A style picture too large to decode safely.
    case styleImageTooLarge(path: String, width: Int, height: Int)
    /// A `--mix` value outside 0…1.
    case badMix(Float)
    /// A photo input with a non-image output, or an output that would overwrite the input.
    case badOutput(path: String, reason: String)

    /// A one-line, human-readable message.
    public var description: String {
        switch self {
        case .badStyleImage(let p, let r): return "cannot use style image \(p): \(r)"
        case .styleImageTooSmall(let p, let w, let h): return "style image \(p) is too small (\(w)x\(h)); need at least 8x8"
        case .emptyVideo(let p): return "\(p) has no video frames"
        case .badCoherence(let c): return "coherence must be between 0 and 1, got \(c)"
        case .unknownStyle(let s):
            return "unknown style '\(s)'; choose one of \(Style.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unknownPalette(let s):
            return "unknown palette '\(s)'; choose one of \(PalettePreset.allCases.map(\.rawValue).joined(separator: ", "))"
        case .noSuchInput(let p): return "no such file: \(p)"
        case .badStyleSpec(let s, let r): return "bad style '\(s)': \(r)"
        case .neuralNeedsStyleImage: return "--style neural needs --style-image PICTURE (the picture whose style to copy)"
        case .styleImageTooLarge(let p, let w, let h):
            return "style image \(p) is too large (\(w)x\(h)); at most \(RestylePipeline.maxStyleImagePixels / 1_000_000) megapixels"
        case .badMix(let m): return "mix must be between 0 and 1, got \(m)"
        case .badOutput(let p, let r): return "cannot write \(p): \(r)"
        }
    }
}
