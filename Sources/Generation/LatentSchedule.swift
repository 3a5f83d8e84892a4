import Neural

/// Turns a storyboard into a latent vector and camera pose for any time.
///
/// Base latents come from each keyframe's seed (SplitMix64 + Box-Muller, N(0, I)); between keyframes they are
/// slerped with the leaving keyframe's easing after its hold. Attribute amounts are blended with the same
/// progress and added along their unit directions.
public struct LatentSchedule: Sendable {
    /// The storyboard being played.
    public let storyboard: Storyboard
    /// Latent length.
    public let latentSize: Int
    /// Attribute directions (nil: attributes have no effect).
    public let directions: AttributeDirections?
    private let bases: [[Float]]
    /// Slow natural motion added everywhere except at `still` keyframes.
    public let idle: IdleMotion

    /// Attribute names used by the storyboard that have no direction (callers should report them).
    public var unsupportedAttributes: [String] {
        let used = Set(storyboard.keyframes.flatMap { $0.attributes.filter { $0.value != 0 }.keys })
        return used.filter { directions?.attributes[$0] == nil }.sorted()
    }

    /// Prepares the base latent of every keyframe: ψ·N(0, I) from its seed (ψ = `truncation`).
    public init(storyboard: Storyboard, latentSize: Int, directions: AttributeDirections?, truncation: Float = 1) {
        self.storyboard = storyboard
        self.latentSize = latentSize
        self.directions = directions
        bases = storyboard.keyframes.map { kf in
            var rng = SplitMix64(seed: kf.seed)
            return rng.normalVector(count: latentSize).map { $0 * truncation }
        }
        idle = IdleMotion(seed: storyboard.keyframes.first?.seed ?? 0, latentSize: latentSize)
    }

    /// How much idle motion plays at time t: 1 between moving keyframes, 0 at a `still` one, blended in between.
    public func idleWeight(at t: Double) -> Double {
        let (i, j, p) = segment(at: t)
        let kfs = storyboard.keyframes
        guard !kfs.isEmpty else { return 0 }
        let a: Double = kfs[i].still ? 0 : 1, b: Double = kfs[j].still ? 0 : 1
        return a + (b - a) * p
    }

    /// The segment containing time t: (from keyframe, to keyframe, eased progress).
    private func segment(at t: Double) -> (Int, Int, Double) {
        let kfs = storyboard.keyframes
        let n = kfs.count
        var i = 0
        while i + 1 < n && kfs[i + 1].time <= t { i += 1 }
        let j: Int, end: Double
        if i + 1 < n { j = i + 1; end = kfs[i + 1].time } else if storyboard.loop && n > 0 { j = 0; end = storyboard.duration } else { return (i, i, 0) }
        let start = kfs[i].time
        let span = end - start
        guard span > 0 else { return (i, j, 1) }
        let hold = min(kfs[i].hold, span * 0.9)
        let u = (t - start - hold) / (span - hold)
        return (i, j, kfs[i].easing.apply(u))
    }

    /// The latent at time t (seconds).
    public func latent(at t: Double) -> [Float] {
        let (i, j, p) = segment(at: t)
        var z = i == j ? bases[i] : Interpolation.slerp(bases[i], bases[j], p)
        idle.addDrift(to: &z, at: t, weight: Float(idleWeight(at: t)), directions: directions)
        guard let dirs = directions else { return z }
        let a = storyboard.keyframes[i].attributes, b = storyboard.keyframes[j].attributes
        for (name, dir) in dirs.attributes {
            let va = a[name] ?? 0, vb = b[name] ?? 0
            let v = va + (vb - va) * Float(p)
            guard v != 0 else { continue }
            let s = v * dir.step
            for k in 0..<latentSize { z[k] += s * dir.vector[k] }
        }
        return z
    }

    /// The camera pose at time t: the storyboard's camera track plus the idle drift.
    public func camera(at t: Double) -> CameraPose {
        idle.drifted(trackCamera(at: t), at: t, weight: idleWeight(at: t))
    }

    /// The camera pose at time t from the keyframes alone.
    func trackCamera(at t: Double) -> CameraPose {
        let kfs = storyboard.keyframes
        // Camera track: keyframe poses, then the end pose (explicit, or the first's when looping).
        var track = kfs.map { ($0.time, $0.camera, $0.easing) }
        if let end = storyboard.endCamera { track.append((storyboard.duration, end, .easeInOut)) } else if storyboard.loop, let f = kfs.first {
            track.append((storyboard.duration, f.camera, .easeInOut))
        }
        guard let first = track.first else { return .identity }
        if t <= first.0 { return first.1 }
        for k in 0..<(track.count - 1) where t < track[k + 1].0 {
            let span = track[k + 1].0 - track[k].0
            let u = span > 0 ? (t - track[k].0) / span : 1
            return track[k].1.blended(to: track[k + 1].1, track[k].2.apply(u))
        }
        return track.last!.1
    }
}
