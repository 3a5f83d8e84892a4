import Foundation

/// The One-Euro filter (Casiez, Roussel & Vogel, CHI 2012): an adaptive low-pass whose cutoff
/// rises with speed, so slow motion is smoothed hard (no jitter) and fast motion barely lags.
/// Vectorised over any number of channels.
public struct OneEuroFilter: Sendable {
    /// Cutoff (Hz) at zero speed: lower = smoother.
    public var minCutoff: Float
    /// How fast the cutoff grows with speed.
    public var beta: Float
    /// Cutoff (Hz) of the derivative's own low-pass.
    public var derivativeCutoff: Float
    private var x: [Float] = []
    private var dx: [Float] = []

    /// Creates a filter.
    public init(minCutoff: Float, beta: Float, derivativeCutoff: Float = 1) {
        self.minCutoff = minCutoff; self.beta = beta; self.derivativeCutoff = derivativeCutoff
    }

    /// Forgets the past (scene cut, new track).
    public mutating func reset() { x = []; dx = [] }

    @inline(__always) static func alpha(_ cutoff: Float, _ dt: Float) -> Float {
        let tau = 1 / (2 * Float.pi * cutoff)
        return 1 / (1 + tau / dt)
    }

    /// Filters one sample vector taken `dt` seconds after the previous one; `scale` normalises the
    /// speed (e.g. the face size in pixels), so the filter behaves the same at any resolution.
    public mutating func filter(_ v: [Float], dt: Float, scale: Float = 1) -> [Float] {
        guard x.count == v.count, dt > 0 else { x = v; dx = [Float](repeating: 0, count: v.count); return v }
        let ad = Self.alpha(derivativeCutoff, dt)
        var speed: Float = 0
        for i in v.indices {
            let d = (v[i] - x[i]) / dt
            dx[i] += ad * (d - dx[i])
            speed += dx[i] * dx[i]
        }
        // One cutoff for the whole vector (rigid motion moves all points together).
        speed = (speed / Float(max(v.count, 1))).squareRoot() / max(scale, 1e-6)
        let a = Self.alpha(minCutoff + beta * speed, dt)
        for i in v.indices { x[i] += a * (v[i] - x[i]) }
        return x
    }
}
