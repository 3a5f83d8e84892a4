import Foundation
import Neural

/// Deterministic N(0, 1) noise for a seed (SplitMix64 + Box–Muller): the same seed gives the same latents
/// on every machine. It does not reproduce torch's generator; pass `--latents` to match diffusers exactly.
public struct GaussianNoise: Sendable {
    private var rng: SplitMix64
    private var spare: Float?

    /// A stream for `seed`.
    public init(seed: UInt64) { rng = SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }

    /// One standard normal value.
    public mutating func normal() -> Float {
        if let s = spare { spare = nil; return s }
        let u1 = rng.uniform(), u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992.0
        let r = (-2 * log(u1)).squareRoot(), a = 2 * Double.pi * u2
        spare = Float(r * sin(a))
        return Float(r * cos(a))
    }

    /// `count` values.
    public mutating func normals(_ count: Int) -> [Float] { (0..<count).map { _ in normal() } }

    /// A tensor of the given shape filled with standard normal values.
    public mutating func tensor(_ shape: [Int]) -> Tensor {
        try! Tensor(shape: shape, data: normals(shape.reduce(1, *)))
    }
}

/// Spherical interpolation between two noise tensors (nateraw's prompt walk): keeps the norm a Gaussian sample
/// has, where a straight lerp would shrink it mid-way. Falls back to lerp for nearly parallel inputs.
public func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
    precondition(a.count == b.count, "slerp of \(a.count) and \(b.count) values")
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices { dot += Double(a[i] * b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i]) }
    let c = dot / max((na * nb).squareRoot(), 1e-12)
    if abs(c) > 0.9995 { return a.indices.map { a[$0] + (b[$0] - a[$0]) * t } }
    let theta = acos(c), s = sin(theta)
    let wa = Float(sin((1 - Double(t)) * theta) / s), wb = Float(sin(Double(t) * theta) / s)
    return a.indices.map { wa * a[$0] + wb * b[$0] }
}
