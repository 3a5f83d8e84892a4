import Foundation
import Imaging
import VideoIO

extension RestylePipeline {
    /// Frames a part processes, unwritten, before its first frame, so that its coherence state matches a run
    /// from the start of the clip.
    ///
    /// The previous output is carried with weight at most `coherence` per frame (less once the carry-age bound
    /// bites), so a cold start's difference fades at least like coherenceⁿ; the warm-up is the n that brings it
    /// under 0.3 % (about 50 dB below the signal), plus one frame for the shot-cut test's previous luma.
    /// At most `maxWarmUp` frames, so a coherence of 1 does not reprocess the whole prefix.
    public static func warmUp(_ coherence: CoherenceParameters) -> Int {
        let c = Double(coherence.coherence)
        guard c > 0 else { return 1 }
        guard c < 1 else { return maxWarmUp }
        return min(maxWarmUp, Int((log(0.003) / log(c)).rounded(.up)) + 1)
    }

    /// Upper bound on `warmUp` (10 s at 30 fps).
    public static let maxWarmUp = 300

    /// Most bytes of frames `framesAfterFirst` holds at once (about 10 frames of 1280×720), so a 4K clip
    /// settles on fewer frames rather than growing memory.
    static let settleBytes = 28 << 20

    /// Frames 1…`count` of `input` (fewer for a shorter clip or large frames, see `settleBytes`), read with
    /// a reader of their own, for `TemporalCoherence.settle(on:)`. A decoding error ends the list early
    /// (the main pass reports it, after writing what it could decode).
    /// - Throws: `VideoIOError` when the file cannot be opened.
    static func framesAfterFirst(of input: URL, count: Int, width: Int, height: Int) throws -> [ByteImage] {
        let n = min(count, settleBytes / max(1, 3 * width * height))
        guard n > 0 else { return [] }
        let reader = try VideoReader(url: input)
        reader.autoRotate = true
        guard (try? reader.nextFrame()) != nil else { return [] }
        var frames: [ByteImage] = []
        while frames.count < n, let f = try? reader.nextFrame() {
            if f.image.width != width || f.image.height != height { break }
            frames.append(f.image)
        }
        return frames
    }
}
