import Foundation

extension FaceSwapPipeline {
    /// Frames a part processes, unwritten, before its first frame: the zero-phase smoother's look-behind, the
    /// appearance statistics' (or the temporal carry's, whichever is longer) settling time and one full-detection
    /// period, so the tracks, their smoothing windows, colour statistics and carried face at the part's first
    /// frame match a run from the start of the clip.
    /// (The first frame read is also moved back to a multiple of `redetectInterval`, keeping detection in phase.)
    public static func warmUp(_ config: FaceSwapConfig) -> Int {
        // The temporal carry is an exponential memory too, whose newest weight is at least 1 − carry.
        config.smoothing.lookAhead + max(1, config.redetectInterval)
            + max(appearanceSettling(config.options.colorSmoothing), appearanceSettling(1 - config.options.temporalCarry))
    }

    /// Frames a part processes, unwritten, after its last frame: the zero-phase smoother's look-ahead (plus one
    /// for the scene-cut test on the next frame).
    public static func lookAhead(_ config: FaceSwapConfig) -> Int {
        config.smoothing.mode == .offline ? config.smoothing.lookAhead + 1 : 1
    }

    /// Frames for the colour statistics' exponential smoothing (newest weight `alpha`) to bring a cold start's
    /// difference under 0.3 %: (1 − alpha)ⁿ < 0.003.
    static func appearanceSettling(_ alpha: Float) -> Int {
        let keep = Double(1 - min(max(alpha, 0), 1))
        guard keep > 0 else { return 0 }
        guard keep < 1 else { return 300 }
        return min(300, Int((log(0.003) / log(keep)).rounded(.up)))
    }
}
