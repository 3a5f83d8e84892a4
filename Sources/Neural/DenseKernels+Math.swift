import Imaging

/// Vectorised transcendental functions for the dense kernels (softmax, SiLU, GELU run on hundreds of
/// millions of values per UNet call, where scalar `expf` / `erff` would cost seconds).
enum VectorMath {
    /// e^x, relative error ≈ 2e-7 for x in [-87, 88]; underflows to 0 below.
    @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let clamped = x.clamped(lowerBound: SIMD16(repeating: -87.3), upperBound: SIMD16(repeating: 88.3))
        // x = n·ln2 + r, |r| ≤ ln2/2 (ln2 split in two so r stays exact). Adding 1.5·2^23 rounds
        // n to an integer held in the low mantissa bits, read back without a float-to-int conversion.
        let shifted = SIMD16<Float>(repeating: 12_582_912).addingProduct(clamped, SIMD16(repeating: 1.442_695_04))
        let n = shifted - 12_582_912
        var r = clamped.addingProduct(n, SIMD16(repeating: -0.693_145_75))
        r = r.addingProduct(n, SIMD16(repeating: -1.428_606_8e-6))
        var q = SIMD16<Float>(repeating: 1.0 / 720)
        q = q * r + SIMD16(repeating: 1.0 / 120)
        q = q * r + SIMD16(repeating: 1.0 / 24)
        q = q * r + SIMD16(repeating: 1.0 / 6)
        q = q * r + SIMD16(repeating: 0.5)
        q = q * r + SIMD16(repeating: 1)
        q = q * r + SIMD16(repeating: 1)
        let nBits = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- 0x4B40_0000 &+ 127
        let scale = unsafeBitCast(nBits &<< 23, to: SIMD16<Float>.self)
        return (q * scale).replacing(with: 0, where: x .< -87.3)
    }

    /// erf(x), Abramowitz–Stegun 7.1.26 (absolute error ≤ 1.5e-7).
    @inline(__always)
    static func erf(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let ax = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * ax)
        var y = SIMD16<Float>(repeating: 1.061_405_429)
        y = y * t + SIMD16(repeating: -1.453_152_027)
        y = y * t + SIMD16(repeating: 1.421_413_741)
        y = y * t + SIMD16(repeating: -0.284_496_736)
        y = y * t + SIMD16(repeating: 0.254_829_592)
        y = y * t
        let e = 1 - y * exp(-ax * ax)
        return e.replacing(with: -e, where: x .< 0)
    }

    /// x·σ(x).
    @inline(__always)
    static func silu(_ x: SIMD16<Float>) -> SIMD16<Float> { x / (1 + exp(-x)) }

    /// Exact (erf) GELU, PyTorch's default: x·½(1 + erf(x/√2)).
    @inline(__always)
    static func gelu(_ x: SIMD16<Float>) -> SIMD16<Float> { x * 0.5 * (1 + erf(x * 0.707_106_77)) }
}
