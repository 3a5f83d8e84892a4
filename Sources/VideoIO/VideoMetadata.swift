/// A rational number, as FFmpeg expresses frame rates and time bases.
public struct Rational: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Numerator.
    public var num: Int
    /// Denominator.
    public var den: Int
    /// Creates `num/den`.
    public init(_ num: Int, _ den: Int) { self.num = num; self.den = den }
    /// The value as a double (0 when the denominator is 0).
    public var value: Double { den == 0 ? 0 : Double(num) / Double(den) }
    /// "num/den".
    public var description: String { "\(num)/\(den)" }
}

/// What a video file says about itself.
public struct VideoMetadata: Sendable, Equatable, Codable {
    /// Coded width of the video stream, in pixels.
    public var width: Int
    /// Coded height of the video stream, in pixels.
    public var height: Int
    /// Average frame rate of the video stream.
    public var fps: Rational
    /// Duration in seconds (container duration, or stream duration when that is missing).
    public var duration: Double
    /// Estimated number of frames (stream's count when stored, else duration × fps).
    public var frameCount: Int
    /// Codec name of the video stream (e.g. "h264").
    public var codec: String
    /// Pixel format name of the video stream (e.g. "yuv420p").
    public var pixelFormat: String
    /// Display rotation in degrees, counter-clockwise, from the stream's display matrix (0 when none).
    public var rotation: Int
    /// The frame size as shown: width and height swapped when `rotation` is a quarter turn (a phone's portrait
    /// clip is stored landscape), which is the size `VideoReader.autoRotate` delivers.
    public var uprightSize: (width: Int, height: Int) {
        ((rotation % 180) + 180) % 180 == 90 ? (height, width) : (width, height)
    }
    /// The stream's 3×3 display matrix (libavutil's layout, 16.16 fixed point) when it has one. A mirrored
    /// clip's matrix is not a pure rotation, which `rotation` alone cannot describe.
    public var displayMatrix: [Int32]?
    /// Whether `displayMatrix` mirrors the picture (its 2×2 part has a negative determinant). A horizontal
    /// mirror's `rotation` reads 180°: a half turn followed by a vertical flip shows the same picture.
    public var isMirrored: Bool { displayIsMirrored(displayMatrix) }
    /// Whether the file has an audio stream.
    public var hasAudio: Bool
    /// Codec name of the first audio stream, when there is one.
    public var audioCodec: String?
    /// Container-level metadata tags (title, comment, custom keys).
    public var tags: [String: String]
    /// Duration of the first audio stream in seconds, when there is one and it is known.
    public var audioDuration: Double?
    /// Container format name (e.g. "mov,mp4,m4a,3gp,3g2,mj2").
    public var container: String

    /// Creates a metadata record.
    public init(width: Int, height: Int, fps: Rational, duration: Double, frameCount: Int, codec: String,
                pixelFormat: String, rotation: Int, hasAudio: Bool, audioCodec: String?, tags: [String: String],
                audioDuration: Double? = nil, container: String = "", displayMatrix: [Int32]? = nil) {
        self.width = width; self.height = height; self.fps = fps; self.duration = duration
        self.frameCount = frameCount; self.codec = codec; self.pixelFormat = pixelFormat
        self.rotation = rotation; self.hasAudio = hasAudio; self.audioCodec = audioCodec; self.tags = tags
        self.audioDuration = audioDuration; self.container = container; self.displayMatrix = displayMatrix
    }
}
