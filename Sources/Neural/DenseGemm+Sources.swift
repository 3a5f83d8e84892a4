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
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * nr) { buf in
            let iy0 = buf.baseAddress!, ix0 = iy0 + nr
            for p in 0..<((nc + nr - 1) / nr) {
                let col = n0 + p * nr, cols = min(nr, n0 + nc - col)
                for j in 0..<nr {
                    let n = col + min(j, cols - 1)
                    iy0[j] = (n / outWidth) * stride - padTop
                    ix0[j] = (n % outWidth) * stride - padLeft
                }
                // 32 outputs on one output row at stride 1 read one contiguous input run.
                let oneRow = stride == 1 && cols == nr && iy0[0] == iy0[nr - 1]
                let d = dst + p * kc * nr
                for kk in 0..<kc {
                    let k = k0 + kk, ci = k / taps, tap = k - ci * taps
                    let ky = tap / kernel, kx = tap - ky * kernel
                    let plane = input + ci * height * width, dk = d + kk * nr
                    if oneRow {
                        let iy = iy0[0] + ky, x0 = ix0[0] + kx
                        if iy >= 0 && iy < height && x0 >= 0 && x0 + nr <= width {
                            let src = plane + iy * width + x0
                            store16(dk, 0, load16(src))
                            store16(dk, 16, load16(src + 16))
                            continue
                        }
                    }
                    for j in 0..<nr {
                        let iy = iy0[j] + ky, ix = ix0[j] + kx
                        dk[j] = j < cols && iy >= 0 && iy < height && ix >= 0 && ix < width ? plane[iy * width + ix] : 0
                    }
                }
            }
        }
    }
}
