import CBLAS
import Foundation

/// Row-major dense helpers for the text transformer (rows = tokens). The UNet's kernels live in Layers/.
enum TextMath {
    /// y[r, o] = Σ_i x[r, i] · w[o, i] + b[o]  (x: [rows, inF], w: [outF, inF] as PyTorch stores Linear, y: [rows, outF]).
    static func linear(_ x: [Float], rows: Int, inF: Int, _ w: [Float], _ b: [Float], outF: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outF)
        y.withUnsafeMutableBufferPointer { yp in
            for r in 0..<rows { for o in 0..<outF { yp[r * outF + o] = b[o] } }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outF), Int32(inF), 1,
                        x, Int32(inF), w, Int32(inF), 1, yp.baseAddress, Int32(outF))
        }
        return y
    }

    /// Layer norm over the last dimension (`width`), biased variance as PyTorch computes it.
    static func layerNorm(_ x: [Float], width: Int, _ g: [Float], _ b: [Float], eps: Float) -> [Float] {
        var y = x
        let rows = x.count / width
        for r in 0..<rows {
            let o = r * width
            var mean: Float = 0
            for i in 0..<width { mean += x[o + i] }
            mean /= Float(width)
            var v: Float = 0
            for i in 0..<width { let d = x[o + i] - mean; v += d * d }
            let inv = 1 / (v / Float(width) + eps).squareRoot()
            for i in 0..<width { y[o + i] = (x[o + i] - mean) * inv * g[i] + b[i] }
        }
        return y
    }

    /// `quick_gelu` (x·σ(1.702x)) or exact `gelu` (x·Φ(x)), in place.
    static func activate(_ x: inout [Float], _ kind: String) {
        if kind == "quick_gelu" {
            for i in x.indices { x[i] = x[i] / (1 + expf(-1.702 * x[i])) }
        } else {
            for i in x.indices { x[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752)) }
        }
    }
}
