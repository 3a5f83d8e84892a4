import Foundation
import VideoIO

extension Text2VideoJob {
    /// The frames a segmented job writes, with `config` turned into a part's (segment tag, no audio); `nil`
    /// for a whole run.
    ///
    /// Frames are a pure function of their time (the latent schedule and camera are evaluated per frame), so a
    /// part needs no warm-up of its own; `Text2Video.render` starts at the generator batch holding the part's
    /// first frame, so every batch is decoded exactly as in a one-machine run.
    /// - Throws: `SegmentError.tooManyParts` when the clip has fewer frames than parts.
    func segmentFrames(_ config: inout VideoWriterConfig) throws -> Range<Int>? {
        guard let segment else { return nil }
        let window = try SegmentWindow(segment: segment.segment, total: plan.frameCount, warmUp: 0, lookAhead: 0)
        config = window.partConfig(config, job: segment.job)
        return window.write
    }
}
