import CFFmpeg
import Foundation

// The one choke point where FFmpeg's negative return codes become Swift errors.

/// FFmpeg's message for an error code (av_strerror).
func ffmpegMessage(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 { return "unknown error \(code)" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// Returns `code` when it is non-negative, else throws `.ffmpeg` naming `call`.
@discardableResult
func check(_ call: @autoclosure () -> String, _ code: Int32) throws(VideoIOError) -> Int32 {
    if code >= 0 { return code }
    throw .ffmpeg(call: call(), code: code, message: ffmpegMessage(code))
}

/// Outcome of one step of a send/receive codec loop, where EAGAIN and EOF are states, not errors.
enum CodecStep: Equatable {
    /// The call succeeded.
    case ok
    /// The codec needs the other side of the loop first (AVERROR(EAGAIN)).
    case again
    /// The codec is fully drained (AVERROR_EOF).
    case endOfStream
}

/// Maps a send/receive return code to a `CodecStep`, throwing for real errors.
func codecStep(_ call: @autoclosure () -> String, _ code: Int32) throws(VideoIOError) -> CodecStep {
    if code >= 0 { return .ok }
    if code == kinema_averror_eagain() { return .again }
    if code == kinema_averror_eof() { return .endOfStream }
    throw .ffmpeg(call: call(), code: code, message: ffmpegMessage(code))
}

/// Unwraps an allocation result, throwing when FFmpeg returned NULL.
func allocated<T>(_ what: String, _ pointer: T?) throws(VideoIOError) -> T {
    guard let pointer else { throw .allocationFailed(what: what) }
    return pointer
}

/// Silences FFmpeg's own logging once per process: library code must not print.
/// Set KINEMA_FFMPEG_LOG=1 to see FFmpeg's messages while debugging.
let ffmpegLogging: Void = {
    let verbose = getenvString("KINEMA_FFMPEG_LOG") != nil
    av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_QUIET)
}()

private func getenvString(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    return String(cString: raw)
}
