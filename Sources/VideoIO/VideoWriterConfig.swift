import Foundation

/// Video codecs the writer offers.
public enum VideoCodec: String, Sendable, CaseIterable, Codable {
    /// H.264 via libx264, in MP4 (the default).
    case h264
    /// H.265 via libx265, in MP4 (tagged `hvc1`).
    case hevc
    /// VP9 via libvpx, in WebM.
    case vp9

    /// FFmpeg's encoder name.
    var encoderName: String {
        switch self {
        case .h264: return "libx264"
        case .hevc: return "libx265"
        case .vp9: return "libvpx-vp9"
        }
    }

    /// The quality a `crf` of `nil` means: visually good, modest size.
    public var defaultCRF: Int {
        switch self {
        case .h264: return 23
        case .hevc: return 28
        case .vp9: return 32
        }
    }

    /// The CRF range the encoder accepts.
    public var crfRange: ClosedRange<Int> { self == .vp9 ? 0...63 : 0...51 }

    /// The default CRF lowered by `steps` (better quality), kept in range.
    public func crf(loweredBy steps: Int) -> Int { max(crfRange.lowerBound, defaultCRF - steps) }

    /// Frame area (pixels) up to which a frame counts as small: CIF, 352×288.
    public static let smallFramePixels = 352 * 288

    /// The CRF of edits whose fine detail the encoder's noise would swamp: 9 below the default (H.264 crf 14).
    /// A face swap uses it for small frames (`isSmallFrame`: at 176×144, crf 18 alone moved real textured
    /// objects by 2.5–4.5 levels), a restyle for every frame (`RestylePipeline.defaultCRF`).
    public var detailCRF: Int { crf(loweredBy: 9) }

    /// Whether a `width`×`height` frame counts as small (`smallFramePixels`).
    public static func isSmallFrame(width: Int, height: Int) -> Bool { width * height <= smallFramePixels }

    /// The file extension that suits the codec ("mp4" or "webm").
    public var preferredExtension: String { self == .vp9 ? "webm" : "mp4" }
}

/// How a writer encodes: geometry, rate, codec and quality, audio and tags.
///
/// Defaults: H.264, the codec's default CRF, preset "medium", no audio, no tags, no rotation.
public struct VideoWriterConfig: Sendable {
    /// x264/x265 preset names; VP9 maps them onto libvpx's speed settings.
    public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast",
                                 "medium", "slow", "slower", "veryslow"]

    /// Width of the frames that will be written (odd values are padded to even; see `VideoWriter.padding`).
    public var width: Int
    /// Height of the frames that will be written (odd values are padded to even).
    public var height: Int
    /// Frame rate of the output.
    public var fps: Rational
    /// Video codec.
    public var codec: VideoCodec
    /// Constant rate factor (lower is better quality); `nil` means `codec.defaultCRF`.
    public var crf: Int?
    /// Encoder speed/size trade-off, one of `VideoWriterConfig.presets`.
    public var preset: String
    /// x264/x265 tuning ("animation", "film", "grain", …; nil: none). VP9 has none and ignores it.
    public var tune: String?
    /// A file whose first audio stream is carried into the output (copied when the container accepts
    /// its codec, else transcoded to AAC, or Opus for WebM).
    public var audioSource: URL?
    /// Audio longer than this many seconds is cut; `nil` keeps all of it.
    public var audioDuration: Double?
    /// Container metadata tags: `title`, `comment` and any custom keys.
    public var tags: [String: String]
    /// Display rotation in degrees counter-clockwise, stored as a display matrix (0 = none).
    /// MP4/MOV keep it; FFmpeg 5.1's Matroska/WebM muxer drops it.
    public var rotation: Int
    /// A display matrix (9 entries, `VideoMetadata.displayMatrix`) stored as it is, in place of `rotation`'s:
    /// re-encoding a mirrored clip keeps its mirror.
    public var displayMatrix: [Int32]?
    /// Encoder threads; 0 means `defaultThreads`. x264 and x265 encode differently with different thread
    /// counts, so a fixed count, not the machine's core count, is what makes a seed's output the same on
    /// every machine.
    public var threads: Int
    /// The encoder threads used when `threads` is 0: 4, whatever the machine.
    public static let defaultThreads = 4
    /// Files the output must never overwrite (the audio source is always protected too).
    public var inputs: [URL]
    /// Follow per-frame timestamps (`write(_:at:)`) on a fine 1/90000 s clock instead of the
    /// constant `1/fps` grid: for variable-frame-rate sources. `fps` stays the nominal rate.
    public var variableFrameRate: Bool = false

    /// Creates a configuration; only size and frame rate are required.
    public init(width: Int, height: Int, fps: Rational, codec: VideoCodec = .h264, crf: Int? = nil,
                preset: String = "medium", audioSource: URL? = nil, audioDuration: Double? = nil,
                tags: [String: String] = [:], rotation: Int = 0, threads: Int = 0, inputs: [URL] = []) {
        self.width = width; self.height = height; self.fps = fps; self.codec = codec; self.crf = crf
        self.preset = preset; self.audioSource = audioSource; self.audioDuration = audioDuration
        self.tags = tags; self.rotation = rotation; self.threads = threads; self.inputs = inputs
    }

    /// Checks ranges before any file is touched.
    /// - Throws: `VideoIOError.invalidConfiguration` naming the bad value.
    public func validate() throws(VideoIOError) {
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw .invalidConfiguration("frame size \(width)x\(height) (must be 1...16384 each way)")
        }
        guard fps.num > 0, fps.den > 0, fps.value <= 1000 else {
            throw .invalidConfiguration("frame rate \(fps) (must be positive, at most 1000)")
        }
        let q = crf ?? codec.defaultCRF
        guard codec.crfRange.contains(q) else {
            throw .invalidConfiguration("crf \(q) for \(codec.rawValue) (must be in \(codec.crfRange))")
        }
        guard Self.presets.contains(preset) else {
            throw .invalidConfiguration("preset '\(preset)' (one of \(Self.presets.joined(separator: ", ")))")
        }
        guard threads >= 0, threads <= 64 else { throw .invalidConfiguration("threads \(threads)") }
        if let d = audioDuration, !(d > 0) { throw .invalidConfiguration("audio duration \(d)") }
    }
}
