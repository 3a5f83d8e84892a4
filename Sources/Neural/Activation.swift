import Imaging
import Foundation

extension FusedActivation {
    /// Applies the activation to one value.
    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return max(x, 0)
        case .reluN1To1: return min(max(x, -1), 1)
        case .relu6: return min(max(x, 0), 6)
        case .tanh: return Foundation.tanh(x)
        case .signBit: return x.sign == .minus ? 1 : 0
        }
    }

    /// Applies the activation to eight values.
    @inline(__always)
    func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        switch self {
        case .none: return v
        // `replacing(with:where:)` lowers to max/min instructions; the generic
        // `pointwiseMax` is not specialised and costs a call per vector.
        case .relu: return v.replacing(with: 0, where: v .< SIMD8<Float>())
        case .reluN1To1:
            let lo = v.replacing(with: -1, where: v .< SIMD8<Float>(repeating: -1))
            return lo.replacing(with: 1, where: lo .> SIMD8<Float>(repeating: 1))
        case .relu6:
            let lo = v.replacing(with: 0, where: v .< SIMD8<Float>())
            return lo.replacing(with: 6, where: lo .> SIMD8<Float>(repeating: 6))
        case .tanh, .signBit:
            return applyScalarwise(v)
        }
    }

    @inline(never)
    private func applyScalarwise(_ v: SIMD8<Float>) -> SIMD8<Float> {
        var out = v
        for i in 0..<8 { out[i] = apply(v[i]) }
        return out
    }
}

/// Applies `activation` in place to `count` values at `p`.
/// Shape: any; elementwise. The switch sits outside the loops so each loop is plain SIMD code.
func applyActivation(_ activation: FusedActivation, _ p: UnsafeMutablePointer<Float>, count: Int) {
    switch activation {
    case .none:
        return
    case .relu:
        clampLoop(p, count: count, lo: 0, hi: .infinity)
    case .relu6:
        clampLoop(p, count: count, lo: 0, hi: 6)
    case .reluN1To1:
        clampLoop(p, count: count, lo: -1, hi: 1)
    case .tanh, .signBit:
        for i in 0..<count { p[i] = activation.apply(p[i]) }
    }
}

@inline(__always)
private func clampLoop(_ p: UnsafeMutablePointer<Float>, count: Int, lo: Float, hi: Float) {
    let vlo = SIMD8<Float>(repeating: lo), vhi = SIMD8<Float>(repeating: hi)
    var i = 0
    while i &+ 8 <= count {
        var v = load8(p + i)
        v = v.replacing(with: vlo, where: v .< vlo)
        v = v.replacing(with: vhi, where: v .> vhi)
        store8(p + i, 0, v)
        i &+= 8
    }
    while i < count {
        p[i] = min(max(p[i], lo), hi)
        i &+= 1
    }
}
