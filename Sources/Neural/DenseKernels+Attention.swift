import Imaging

extension DenseKernels {
    /// Scaled dot-product attention with heads packed in the feature dimension, computed in query chunks
    /// so the score matrix never exceeds `chunkFloats` per thread:
    /// q [batch, tq, heads·dh] → out [batch, tq, heads·dh] = softmax(q_h · k_hᵀ · scale) · v_h per head,
    /// k, v [batch, tk, heads·dh]. Rows of q/k/v/out have strides `qStride`, `kvStride`, `outStride`
    /// (so k and v may be column slices of one fused projection).
    public static func attention(q: UnsafePointer<Float>, qStride: Int, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                                 kvStride: Int, out: UnsafeMutablePointer<Float>, outStride: Int,
                                 batch: Int, tq: Int, tk: Int, heads: Int, headDim dh: Int, scale: Float,
                                 threads: ComputeThreads, chunkFloats: Int = 1 << 19) {
        let chunk = max(DenseGemm.mr, min(tq, chunkFloats / max(tk, 1)) / DenseGemm.mr * DenseGemm.mr)
        let chunks = (tq + chunk - 1) / chunk
        let units = batch * heads * chunks
        threads.split(units, work: units * chunk * tk * dh * 2) { t, range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: chunk * tk)
            let packedA = UnsafeMutablePointer<Float>.allocate(capacity: (chunk + DenseGemm.mr) * max(tk, dh))
            let inverseSums = UnsafeMutablePointer<Float>.allocate(capacity: chunk)
            defer { scores.deallocate(); packedA.deallocate(); inverseSums.deallocate() }
            let scratch = threads.scratch[t]
            for u in range {
                let c = u % chunks, h = (u / chunks) % heads, n = u / (chunks * heads)
                let q0 = c * chunk, rows = min(chunk, tq - q0)
                let qh = q + (n * tq + q0) * qStride + h * dh
                let kh = k + n * tk * kvStride + h * dh, vh = v + n * tk * kvStride + h * dh
                // scores [rows, tk] = q_h [rows, dh] · k_hᵀ [dh, tk]
                DenseGemm.serial(m: rows, n: tk, k: dh, a: MatrixOperand(qh, rowStride: qStride),
                                 b: MatrixBSource(b: MatrixOperand(kh, rowStride: 1, colStride: kvStride)),
                                 c: scores, ldc: tk, packedA: packedA, scratch: scratch)
                // Unnormalised exponentials; each output row is divided by its sum after the product
                // (dh values instead of tk).
                for r in 0..<rows { inverseSums[r] = 1 / exponentiateRow(scores + r * tk, count: tk, scale: scale) }
                // out_h [rows, dh] = p [rows, tk] · v_h [tk, dh]
                DenseGemm.serial(m: rows, n: dh, k: tk, a: MatrixOperand(scores, rowStride: tk),
                                 b: MatrixBSource(b: MatrixOperand(vh, rowStride: kvStride)),
                                 c: out + (n * tq + q0) * outStride + h * dh, ldc: outStride,
                                 packedA: packedA, scratch: scratch)
                for r in 0..<rows {
                    let o = out + (n * tq + q0 + r) * outStride + h * dh
                    for d in 0..<dh { o[d] *= inverseSums[r] }
                }
            }
        }
    }

    /// x ← exp(x · scale − max(x · scale)) over one row; returns the sum (softmax = x / sum).
    static func exponentiateRow(_ x: UnsafeMutablePointer<Float>, count: Int, scale: Float) -> Float {
        var i = 0
        var mv = SIMD16<Float>(repeating: -.infinity)
        while i + 16 <= count { mv = pointwiseMax(mv, load16(x + i)); i += 16 }
        var mx = mv.max()
        while i < count { mx = max(mx, x[i]); i += 1 }
        let s = SIMD16<Float>(repeating: scale), shift = SIMD16<Float>(repeating: -mx * scale)
        var acc = SIMD16<Float>()
        i = 0
        while i + 16 <= count {
            let e = VectorMath.exp(shift.addingProduct(load16(x + i), s))
            store16(x, i, e)
            acc += e
            i += 16
        }
        if i < count {
            // Tail through one padded vector (padding lanes give exp(−∞) = 0).
            var v = SIMD16<Float>(repeating: -.infinity)
            for j in 0..<(count - i) { v[j] = x[i + j] * scale - mx * scale }
            let e = VectorMath.exp(v)
            for j in 0..<(count - i) { x[i + j] = e[j] }
            acc += e
        }
        return acc.sum()
    }
}

extension DenseGemm {
    /// Single-threaded C = A·B with caller-owned buffers: `packedA` holds ⌈M/6⌉·6·K floats,
    /// `scratch` one B block (`bBlockFloats`).
    static func serial(m: Int, n: Int, k: Int, a: MatrixOperand, b: some GemmBSource, c: UnsafeMutablePointer<Float>,
                       ldc: Int, packedA: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let groups = (m + mr - 1) / mr
        packA(a, m: m, k: k, groups: 0..<groups, into: packedA)
        block(m: m, k: k, groups: 0..<groups, cols: 0..<n, packedA: packedA, b: b, c: c, ldc: ldc,
              accumulate: false, scratch: scratch)
    }
}
