import Foundation

/// A small deterministic random generator (SplitMix64) with Box-Muller normals.
///
/// Kinema uses its own generator so the same seed gives the same latents on every run and platform
/// version (Swift's `SystemRandomNumberGenerator` and `Hasher` are deliberately randomised).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a 64-bit seed.
    public init(seed: UInt64) { state = seed }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in the open interval (0, 1).
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `count` independent standard-normal values (Box-Muller).
    public mutating func normalVector(count: Int) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(count + 1)
        while out.count < count {
            let r = (-2 * Foundation.log(uniform())).squareRoot()
            let t = 2 * Double.pi * uniform()
            out.append(Float(r * Foundation.cos(t)))
            out.append(Float(r * Foundation.sin(t)))
        }
        return Array(out.prefix(count))
    }
}
