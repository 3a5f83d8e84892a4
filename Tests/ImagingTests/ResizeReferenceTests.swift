import Foundation
import Testing
import Imaging

/// Resize against a direct, table-free evaluation of the documented definition, borders included.
@Suite struct ResizeReferenceTests {
    /// The kernels written out from their textbook definitions.
    static func kernel(_ f: ResizeFilter, _ t: Double) -> Double {
        let x = abs(t)
        switch f {
        case .bilinear: return max(0, 1 - x)
        case .bicubic:  // Keys (1981), a = -0.5
            if x < 1 { return 1.5 * x * x * x - 2.5 * x * x + 1 }
            if x < 2 { return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 }
            return 0
        case .lanczos3:
            if x == 0 { return 1 }
            if x >= 3 { return 0 }
            return sin(Double.pi * x) / (Double.pi * x) * sin(Double.pi * x / 3) / (Double.pi * x / 3)
        case .area: return 0
        }
    }

    /// Weights over input indices (clamped to the edge) for output `o` along one axis.
    static func weights(_ f: ResizeFilter, inCount: Int, outCount: Int, o: Int) -> [Int: Double] {
        let scale = Double(inCount) / Double(outCount)
        var w: [Int: Double] = [:]
        if f == .area {
            let lo = Double(o) * scale, hi = Double(o + 1) * scale
            for i in 0..<inCount {
                let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
                if overlap > 0 { w[i, default: 0] += overlap / scale }
            }
            return w
        }
        let centre = (Double(o) + 0.5) * scale - 0.5
        let stretch = max(1, scale)
        var sum = 0.0
        for i in -20...(inCount + 20) {
            let k = kernel(f, (Double(i) - centre) / stretch)
            if k != 0 { w[min(max(i, 0), inCount - 1), default: 0] += k; sum += k }
        }
        return w.mapValues { $0 / sum }
    }

    // Every output sample, borders included, within 1e-5 of the direct evaluation.
    @Test(arguments: ResizeFilter.allCases, [(29, 11), (5, 31), (13, 13)])
    func matchesDirectEvaluation(filter: ResizeFilter, size: (Int, Int)) {
        let src = TestImages.noise(width: 13, height: 9, seed: 17)
        let out = src.resized(width: size.0, height: size.1, filter: filter)
        var worst = 0.0
        for y in 0..<size.1 {
            let wy = Self.weights(filter, inCount: 9, outCount: size.1, o: y)
            for x in 0..<size.0 {
                let wx = Self.weights(filter, inCount: 13, outCount: size.0, o: x)
                for c in 0..<3 {
                    var acc = 0.0
                    for (j, b) in wy { for (i, a) in wx { acc += a * b * Double(src[i, j, c]) } }
                    worst = max(worst, abs(acc - Double(out[x, y, c])))
                }
            }
        }
        #expect(worst < 1e-5, "\(filter) \(size): worst \(worst)")
    }
}
