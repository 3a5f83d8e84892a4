import Foundation

/// The peak memory a Kinema job may use, and the up-front check that refuses frames too large for it.
///
/// Commands estimate their peak as `fixed + width × height × bytesPerPixel` (per-pixel costs measured on
/// 4K and 8K clips, see the VideoIO README) and refuse, before any output exists, a clip whose estimate is over
/// the limit: one line naming the size, the estimate and the limit. The default limit is 2 GiB;
/// `KINEMA_MEMORY_LIMIT_MB` changes it. The encoder's lookahead is shortened for large frames so that the
/// writer's share stays bounded too.
public enum MemoryBudget {
    /// The default limit: 2 GiB.
    public static let defaultLimit = 2 << 30
    /// Memory every job needs whatever the frame size (runtime, models, codec contexts): 256 MiB.
    public static let fixedBytes = 256 << 20

    /// The limit in bytes: `KINEMA_MEMORY_LIMIT_MB` (64...1048576) when set, else `defaultLimit`.
    public static var limit: Int {
        if let text = ProcessInfo.processInfo.environment["KINEMA_MEMORY_LIMIT_MB"], let mb = Int(text),
           (64...1_048_576).contains(mb) {
            return mb << 20
        }
        return defaultLimit
    }

    /// Estimated peak for frames of `width`×`height` at `bytesPerPixel`.
    public static func estimate(width: Int, height: Int, bytesPerPixel: Int) -> Int {
        fixedBytes + max(0, width) * max(0, height) * max(0, bytesPerPixel)
    }

    /// Throws when a job on `width`×`height` frames would need more than `limit`.
    /// - Parameters:
    ///   - job: what runs, for the message ("restyle").
    ///   - path: the input the frames come from.
    /// - Throws: `VideoIOError.overMemoryBudget`.
    public static func check(width: Int, height: Int, bytesPerPixel: Int, job: String, path: String) throws(VideoIOError) {
        let need = estimate(width: width, height: height, bytesPerPixel: bytesPerPixel)
        guard need <= limit else {
            throw .overMemoryBudget(path: path, detail: "\(width)x\(height) frames need about \(need >> 20) MB for \(job), "
                                    + "over the \(limit >> 20) MB memory limit (KINEMA_MEMORY_LIMIT_MB raises it)")
        }
    }

    /// Bytes per pixel the video writer needs at this size: x264 keeps about 5 bytes per pixel for each of its
    /// lookahead frames plus about 8 more (references, B-frames, frame threads); measured on 4K and 8K clips.
    public static func writerBytesPerPixel(width: Int, height: Int) -> Int {
        ((encoderLookahead(width: width, height: height) ?? 40) + 8) * 5
    }

    /// Frames of lookahead the H.264/HEVC encoder may buffer at this frame size (nil: the preset's own), so that
    /// its buffered frames take at most about 1/4 of `limit` (x264 keeps roughly 5 bytes per pixel per frame).
    static func encoderLookahead(width: Int, height: Int) -> Int? {
        let perFrame = max(1, width * height * 5)
        let frames = (limit / 4) / perFrame
        return frames >= 40 ? nil : max(2, frames)
    }
}
