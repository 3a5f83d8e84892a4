import Imaging

/// B as a strided matrix view.
struct MatrixBSource: GemmBSource {
    let b: MatrixOperand

    func pack(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        let nr = DenseGemm.nr
        for p in 0..<((nc + nr - 1) / nr) {
            let col = n0 + p * nr, cols = min(nr, n0 + nc - col)
            let d = dst + p * kc * nr
            if b.colStride == 1 {
                // Rows of B are contiguous: copy 32-float runs.
                for kk in 0..<kc {
                    let src = b.base + (k0 + kk) * b.rowStride + col, dk = d + kk * nr
                    if cols == nr {
                        store16(dk, 0, load16(src))
                        store16(dk, 16, load16(src + 16))
                    } else {
                        for j in 0..<nr { dk[j] = j < cols ? src[j] : 0 }
                    }
                }
            } else {
                // Columns are contiguous (a transposed view): read along K, write every 32nd float.
                for j in 0..<nr {
                    if j >= cols {
                        for kk in 0..<kc { d[kk * nr + j] = 0 }
                        continue
                    }
                    let src = b.base + k0 * b.rowStride + (col + j) * b.colStride
                    for kk in 0..<kc { d[kk * nr + j] = src[kk * b.rowStride] }
                }
            }
        }
    }
}

/// B of a convolution: the implicit im2col matrix of one NCHW sample, B[(ci, ky, kx), (oy, ox)] =
/// input[ci, oy·s − padTop + ky, ox·s − padLeft + kx] (zero outside), gathered straight into panels.
struct ConvBSource: GemmBSource {
    let input: UnsafePointer<Float>
    let height: Int, width: Int
    let kernel: Int, stride: Int, padTop: Int, padLeft: Int
    let outWidth: Int

    func pack(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        let nr = DenseGemm.nr, taps = kernel * kernel
        // A panel's columns split into runs that share an output row: (first column, length, oy, ox).
        withUnsafeTemporaryAllocation(of: (Int, Int, Int, Int).self, capacity: nr) { runs in
            for p in 0..<((nc + nr - 1) / nr) {
                let col = n0 + p * nr, cols = min(nr, n0 + nc - col)
                var runCount = 0, j = 0
                while j < cols {
                    let n = col + j, oy = n / outWidth, ox = n - oy * outWidth
                    let len = min(cols - j, outWidth - ox)
                    runs[runCount] = (j, len, oy, ox)
                    runCount += 1
                    j += len
                }
                let d = dst + p * kc * nr
                for kk in 0..<kc {
                    let k = k0 + kk, ci = k / taps, tap = k - ci * taps
                    let ky = tap / kernel, kx = tap - ky * kernel
                    let plane = input + ci * height * width, dk = d + kk * nr
                    for r in 0..<runCount {
                        let (j0, len, oy, ox) = runs[r]
                        let out = dk + j0
                        let iy = oy * stride - padTop + ky
                        guard iy >= 0 && iy < height else {
                            out.update(repeating: 0, count: len)
                            continue
                        }
                        let row = plane + iy * width
                        if stride == 1 {
                            // In-bounds middle copied, the padding at either end zeroed.
                            let x0 = ox - padLeft + kx
                            let lo = min(len, max(0, -x0)), hi = max(lo, min(len, width - x0))
                            if lo > 0 { out.update(repeating: 0, count: lo) }
                            if hi > lo { (out + lo).update(from: row + x0 + lo, count: hi - lo) }
                            if hi < len { (out + hi).update(repeating: 0, count: len - hi) }
                        } else {
                            for t in 0..<len {
                                let ix = (ox + t) * stride - padLeft + kx
                                out[t] = ix >= 0 && ix < width ? row[ix] : 0
                            }
                        }
                    }
                    if cols < nr { (dk + cols).update(repeating: 0, count: nr - cols) }
                }
            }
        }
    }
}
