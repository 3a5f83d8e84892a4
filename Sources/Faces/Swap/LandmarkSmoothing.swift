import Foundation

/// How landmark trajectories are smoothed over time.
public enum SmoothingMode: String, Sendable, Codable, CaseIterable {
    /// Raw per-frame landmarks (for comparisons).
    case off
    /// Causal One-Euro filtering (streams, previews).
    case online
    /// Zero-phase local-linear smoothing over a bounded centred window (default for files).
    case offline
}

/// Smoothing strengths; the global pose is smoothed more strongly than the local shape, so head
/// motion is steady while lips and eyelids keep their timing.
public struct SmoothingOptions: Sendable, Equatable, Codable {
    /// Mode (default `.offline`).
    public var mode: SmoothingMode = .offline
    /// Frames of look-ahead (and look-behind) for `.offline`; bounds the frames held in memory.
    public var lookAhead = 5
    /// Gaussian width, in frames, of the pose's offline window.
    public var poseSigma: Float = 2.5
    /// Gaussian width, in frames, of the local shape's offline window.
    public var shapeSigma: Float = 1.2
    /// One-Euro minimum cutoff (Hz) of the pose in `.online` mode.
    public var poseMinCutoff: Float = 1.0
    /// One-Euro minimum cutoff (Hz) of the shape in `.online` mode.
    public var shapeMinCutoff: Float = 3.0
    /// One-Euro speed coefficient (per face-size per second).
    public var beta: Float = 0.5
    /// Creates the defaults.
    public init() {}
}

/// Zero-phase offline smoothing: a Gaussian-weighted local-linear fit evaluated at the window's
/// centre. Symmetric weights mean no lag; the linear term keeps steady motion exact even where the
/// window is cut short (clip ends, scene cuts).
public enum OfflineSmoother {
    /// Weighted linear fit of `values` (equal-length vectors at frame `offsets`), evaluated at offset 0.
    static func localLinear(offsets: [Float], values: [[Float]], sigma: Float) -> [Float] {
        let m = values[0].count
        var sw: Float = 0, swd: Float = 0, swdd: Float = 0
        var w = [Float](repeating: 0, count: offsets.count)
        for (k, d) in offsets.enumerated() {
            w[k] = expf(-d * d / (2 * sigma * sigma)); sw += w[k]; swd += w[k] * d; swdd += w[k] * d * d
        }
        let det = sw * swdd - swd * swd
        // Intercept weights: a = Σ w_k (swdd − swd·d_k) / det (falls back to the mean when det ≈ 0).
        var coef = [Float](repeating: 0, count: offsets.count)
        for k in offsets.indices {
            coef[k] = abs(det) > 1e-6 ? w[k] * (swdd - swd * offsets[k]) / det : w[k] / sw
        }
        var out = [Float](repeating: 0, count: m)
        for (k, v) in values.enumerated() { let c = coef[k]; for i in 0..<m { out[i] += c * v[i] } }
        return out
    }

    /// Smooths the sample at offset 0 from `window` (offset, pose-shape) pairs of one track within one scene.
    public static func smooth(_ window: [(offset: Int, sample: PoseShape)], options: SmoothingOptions) -> PoseShape? {
        guard let centre = window.first(where: { $0.offset == 0 })?.sample else { return nil }
        let offs = window.map { Float($0.offset) }
        let a0 = centre.pose.angle
        let poses = window.map { s -> [Float] in
            var v = s.sample.pose.vector
            v[1] = a0 + remainderf(v[1] - a0, 2 * Float.pi)   // unwrap around the centre's angle
            return [v[0], v[1], v[2], v[3]]
        }
        let p = localLinear(offsets: offs, values: poses, sigma: options.poseSigma)
        let shapes = window.map { s in s.sample.shape.flatMap { [$0.x, $0.y, $0.z] } }
        let q = localLinear(offsets: offs, values: shapes, sigma: options.shapeSigma)
        let shape = (0..<centre.shape.count).map { SIMD3(q[3 * $0], q[3 * $0 + 1], q[3 * $0 + 2]) }
        return PoseShape(pose: FacePose(SIMD4(p[0], p[1], p[2], p[3])), shape: shape)
    }
}

/// Causal smoothing of one face track with two One-Euro filters (pose, then shape).
public struct OnlineLandmarkSmoother: Sendable {
    private var pose: OneEuroFilter
    private var shape: OneEuroFilter
    private var lastAngle: Float?

    /// Creates a smoother from the options' One-Euro settings.
    public init(options: SmoothingOptions) {
        pose = OneEuroFilter(minCutoff: options.poseMinCutoff, beta: options.beta)
        shape = OneEuroFilter(minCutoff: options.shapeMinCutoff, beta: options.beta)
    }

    /// Forgets the past (scene cut).
    public mutating func reset() { pose.reset(); shape.reset(); lastAngle = nil }

    /// Filters one frame's landmarks taken `dt` seconds after the previous one.
    public mutating func smooth(_ points: [SIMD3<Float>], dt: Float) -> [SIMD3<Float>] {
        var ps = PoseShape(points)
        var v = ps.pose.vector
        if let a = lastAngle { v[1] = a + remainderf(v[1] - a, 2 * Float.pi) }
        lastAngle = v[1]
        // Speed is dominated by translation; normalising by the face scale makes it resolution-free.
        let pv = pose.filter([v[0], v[1], v[2], v[3]], dt: dt, scale: expf(v[0]))
        ps.pose = FacePose(SIMD4(pv[0], pv[1], pv[2], pv[3]))
        let sv = shape.filter(ps.shape.flatMap { [$0.x, $0.y, $0.z] }, dt: dt, scale: 1)
        ps.shape = (0..<ps.shape.count).map { SIMD3(sv[3 * $0], sv[3 * $0 + 1], sv[3 * $0 + 2]) }
        return ps.points
    }
}
