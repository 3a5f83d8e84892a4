import CFFmpeg
import Foundation
import Imaging

/// Encodes RGB frames into a video file, optionally carrying the audio of another file.
///
/// The file is written under a hidden temporary name in the target's folder and renamed onto the
/// target by `finish()`. A writer that fails or is dropped before `finish()` deletes it, so no
/// half-written file is ever left at the target. Frames of odd width or height are padded to even
/// size by repeating the last column/row (`padding` says by how much; the output also carries a
/// `kinema_padding` tag). Not thread-safe: use from one thread at a time, the invariant behind
/// `@unchecked Sendable`.
public final class VideoWriter: @unchecked Sendable {
    /// The configuration the writer was created with.
    public let config: VideoWriterConfig
    /// Where the finished file lands.
    public let url: URL
    /// Size of the encoded picture (the configured size rounded up to even).
    public let encodedWidth: Int, encodedHeight: Int
    /// Columns added on the right and rows added at the bottom to make the size even.
    public let padding: (right: Int, bottom: Int)
    /// Frames written so far.
    public private(set) var framesWritten = 0
    /// How the audio source was handled: "none", "copy" or "transcode:<codec>".
    public var audioMode: String { audio?.mode ?? "none" }

    let output: AtomicOutput
    let format: OutputFormat
    let encoder: CodecContext
    let stream: UnsafeMutablePointer<AVStream>
    let yuvFrame: Frame
    let packet: Packet
    let scaler = Scaler()
    var audio: AudioTrack?
    private var closed = false
    private var lastPts: Int64?
    /// When set, only the frames handed in at these positions (0-based, counting every call) are encoded;
    /// the first kept one is shown at time 0 (`SegmentWindow.apply(to:)` sets it).
    var keptFrames: Range<Int>? = nil
    private var framesOffered = 0
    private var keptTimeShift: Double?

    /// Opens the output, the encoder and (when configured) the audio source.
    ///
    /// The container follows the extension: `.mp4`/`.mov`/`.mkv` for H.264/HEVC, `.webm`/`.mkv` for VP9.
    /// - Throws: `VideoIOError.invalidConfiguration`, `.outputIsInput`, `.outputNotWritable`,
    ///   `.unsupported` (codec/container mismatch, missing encoder) or `.ffmpeg`.
    public init(url: URL, config: VideoWriterConfig) throws(VideoIOError) {
        try config.validate()
        self.config = config
        self.url = url
        let ext = url.pathExtension.lowercased()
        let allowed: Set<String> = config.codec == .vp9 ? ["webm", "mkv"] : ["mp4", "mov", "mkv", "m4v"]
        guard !ext.isEmpty else {
            throw .unsupported("output \(url.lastPathComponent) has no extension (use .\(config.codec.preferredExtension))")
        }
        guard allowed.contains(ext) else {
            throw .unsupported("\(config.codec.rawValue) in a '.\(ext)' file (use .\(config.codec.preferredExtension))")
        }
        let muxer = ext == "webm" ? "webm" : (ext == "mkv" ? "matroska" : (ext == "mov" ? "mov" : "mp4"))
        output = try AtomicOutput(target: url, inputs: config.inputs + [config.audioSource].compactMap { $0 })
        encodedWidth = config.width + (config.width & 1)
        encodedHeight = config.height + (config.height & 1)
        padding = (encodedWidth - config.width, encodedHeight - config.height)

        format = try OutputFormat(path: output.tempPath, formatName: muxer)
        guard let codec = avcodec_find_encoder_by_name(config.codec.encoderName) else {
            throw .unsupported("encoder \(config.codec.encoderName) is not in this FFmpeg build")
        }
        encoder = try CodecContext(codec: codec)
        stream = try format.newStream()
        yuvFrame = try Frame()
        packet = try Packet()
        try configureEncoder()
        try configureStream()
        if let source = config.audioSource {
            audio = try AudioTrack(source: source, output: format, limit: config.audioDuration)
        }
        try openFile()
    }

    deinit { if !closed { output.discard() } }

    /// Encodes one frame (`rgb24`, `rgba` or grey `ByteImage` of the configured size).
    /// - Throws: `VideoIOError.frameMismatch` for a wrong size, `.writerClosed` after `finish()`,
    ///   `.ffmpeg` on encoder or muxer failures (the writer is then closed and its file deleted).
    public func write(_ image: ByteImage) throws(VideoIOError) {
        try write(image, at: Double(framesWritten) * Double(config.fps.den) / Double(config.fps.num))
    }

    /// Encodes one frame to be shown at `seconds` (only meaningful with `config.variableFrameRate`;
    /// otherwise the time is rounded to the `1/fps` grid). Times that do not increase are bumped
    /// just past the previous frame.
    /// - Throws: as `write(_:)`.
    public func write(_ image: ByteImage, at seconds: Double) throws(VideoIOError) {
        guard !closed else { throw .writerClosed }
        guard image.width == config.width, image.height == config.height else {
            throw .frameMismatch("got \(image.width)x\(image.height), writer expects \(config.width)x\(config.height)")
        }
        var seconds = seconds
        if let kept = keptFrames {
            defer { framesOffered += 1 }
            guard kept.contains(framesOffered) else { return }
            if keptTimeShift == nil { keptTimeShift = seconds }
            seconds -= keptTimeShift ?? 0
        }
        do {
            try fillFrame(from: image)
            let tb = encoder.pointer.pointee.time_base
            let ticks = ((seconds.isFinite ? seconds : 0) * Double(tb.den) / Double(tb.num)).rounded()
            var pts = Int64(max(-1e15, min(1e15, ticks)))
            if let last = lastPts, pts <= last { pts = last + 1 }
            lastPts = pts
            yuvFrame.pointer.pointee.pts = pts
            framesWritten += 1
            try encode(yuvFrame.pointer)
        } catch {
            abandon()
            throw error
        }
    }

    /// Flushes the encoder, copies the remaining audio, finalises the container and renames the
    /// temporary file onto the target.
    /// - Throws: `VideoIOError` when any of those steps fail; the partial file is then deleted.
    public func finish() throws(VideoIOError) {
        guard !closed else { throw .writerClosed }
        do {
            try encode(nil)
            try audio?.finish()
            try check("av_write_trailer", av_write_trailer(format.pointer))
            try format.closeIO()
            closed = true
            try output.commit()
        } catch {
            abandon()
            throw error
        }
    }

    /// Stops writing and deletes the partial output (also what dropping an unfinished writer does).
    public func cancel() { abandon() }

    /// Creates a writer, runs `body` with it, and finishes it; any error deletes the partial output.
    /// - Throws: what `init`, `body` or `finish()` throw.
    @discardableResult
    public static func with<R>(url: URL, config: VideoWriterConfig, _ body: (VideoWriter) throws -> R) throws -> R {
        let writer = try VideoWriter(url: url, config: config)
        do {
            let result = try body(writer)
            try writer.finish()
            return result
        } catch {
            writer.cancel()
            throw error
        }
    }

    private func abandon() {
        guard !closed else { return }
        closed = true
        try? format.closeIO()
        output.discard()
    }
}

/// Creates a writer, runs `body` with it and finishes it; on any error the partial output is deleted.
/// - Throws: what `VideoWriter.init`, `body` or `finish()` throw.
@discardableResult
public func withVideoWriter<R>(url: URL, config: VideoWriterConfig, _ body: (VideoWriter) throws -> R) throws -> R {
    try VideoWriter.with(url: url, config: config, body)
}
