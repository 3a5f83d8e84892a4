import Foundation

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
}
