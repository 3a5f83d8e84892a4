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
        case .relu: return pointwiseMax(v, .zero)
        case .reluN1To1: return pointwiseMin(pointwiseMax(v, SIMD8(repeating: -1)), SIMD8(repeating: 1))
        case .relu6: return pointwiseMin(pointwiseMax(v, .zero), SIMD8(repeating: 6))
        case .tanh, .signBit:
            var out = v
            for i in 0..<8 { out[i] = apply(v[i]) }
            return out
        }
    }
}

/// Applies `activation` in place to `count` values at `p`.
/// Shape: any; elementwise.
func applyActivation(_ activation: FusedActivation, _ p: UnsafeMutablePointer<Float>, count: Int) {
    if activation == .none { return }
    var i = 0
    while i + 8 <= count {
        storeVec8(p + i, activation.apply(loadVec8(p + i)))
        i += 8
    }
    while i < count {
        p[i] = activation.apply(p[i])
        i += 1
    }
}
