import Foundation
import Neural

/// Slow natural motion so a clip never stands still unless a keyframe asks for `still`.
///
/// A sum of slow sinusoids (periods 3-9 s, seeded phases) moves the latent along the fitted directions:
/// small head turns (yaw), nods (pitch), breathing (a little mouth opening) and a faint change of
/// expression (smile). There are no blinks: `scripts/fit-directions` fits no eye-lid direction (only smile,
/// mouth-open, yaw, pitch and brightness), and none was tried in this round. The camera drifts too: a gentle zoom breathing and a small
/// pan, which keeps the picture moving even on faces whose directions barely change the pixels.
/// Everything is a smooth function of absolute time, so it is continuous across keyframes and the same
/// on every run; `weight` fades it in and out where keyframes switch `still` on or off.
public struct IdleMotion: Sendable {
    /// One sinusoidal component: amplitude (direction units), period (s) and phase (radians).
    struct Wave: Sendable, Equatable {
        var amplitude: Float, period: Double, phase: Double
        func value(_ t: Double) -> Float { amplitude * Float(sin(2 * Double.pi * t / period + phase)) }
    }

    /// Waves per attribute, in direction units (1 ≈ two standard deviations of the measured attribute).
    let waves: [(FaceAttribute, Wave)]
    /// Latent directions used when no fitted directions are available (seeded unit vectors, step 2.4).
    let fallback: [[Float]]
    /// Camera: zoom breathing amplitude (fraction) and period, pan amplitude (fraction of the frame) and periods.
    let zoomWave: Wave, panXWave: Wave, panYWave: Wave

    /// Motion for a clip whose first keyframe has `seed` (the phases come from it).
    public init(seed: UInt64, latentSize: Int) {
        var rng = SplitMix64(seed: seed ^ 0x1D1E_5EED_0000_0001)
        func phase() -> Double { 2 * Double.pi * rng.uniform() }
        waves = [
            (.yaw, Wave(amplitude: 0.35, period: 7.3, phase: phase())),
            (.pitch, Wave(amplitude: 0.22, period: 5.1, phase: phase())),
            (.mouthOpen, Wave(amplitude: 0.15, period: 3.7, phase: phase())),  // breathing
            (.smile, Wave(amplitude: 0.12, period: 8.9, phase: phase())),
        ]
        fallback = waves.map { _ in
            let v = rng.normalVector(count: latentSize)
            let n = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
            return v.map { $0 / n }
        }
        zoomWave = Wave(amplitude: 0.02, period: 6.7, phase: phase())
        panXWave = Wave(amplitude: 0.012, period: 9.3, phase: phase())
        panYWave = Wave(amplitude: 0.008, period: 7.9, phase: phase())
    }

    /// Adds the drift at time `t`, scaled by `weight` (0 = still), to latent `z`.
    func addDrift(to z: inout [Float], at t: Double, weight: Float, directions: AttributeDirections?) {
        guard weight > 0 else { return }
        for (k, (attribute, wave)) in waves.enumerated() {
            let a = wave.value(t) * weight
            if let dirs = directions {
                guard let d = dirs.attributes[attribute.rawValue] else { continue }
                let s = a * d.step
                for i in 0..<min(z.count, d.vector.count) { z[i] += s * d.vector[i] }
            } else {
                let s = a * 2.4
                for i in 0..<min(z.count, fallback[k].count) { z[i] += s * fallback[k][i] }
            }
        }
    }

    /// The camera pose `pose` with the drift at time `t` applied, scaled by `weight`. The drift zooms in by
    /// 2-6% (never out: a zoom under 1 would show the frame's edges) and pans only within the margin that
    /// zoom leaves.
    func drifted(_ pose: CameraPose, at t: Double, weight: Double) -> CameraPose {
        guard weight > 0 else { return pose }
        var p = pose
        let extra = (0.04 + Double(zoomWave.value(t))) * weight
        p.zoom = pose.zoom * (1 + extra)
        let margin = (1 - 1 / (1 + extra)) / 2
        p.panX += min(max(Double(panXWave.value(t)) * weight, -margin), margin)
        p.panY += min(max(Double(panYWave.value(t)) * weight, -margin), margin)
        return p
    }
}
