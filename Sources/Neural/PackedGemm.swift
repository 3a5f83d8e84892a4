/// Dense multiply for convolutions with constant weights: C[M×N] = act(A[M×K] · Bᵀ + bias), where
/// B arrives as TFLite's filter [N, K] and is repacked once at load time into K rows of N padded
/// to a multiple of 16 (`PackedWeights.pack`). The micro-kernel keeps a 6×16 block of C in twelve
/// SIMD8 accumulators and walks K with broadcast-FMA, so C is written exactly once, bias and
/// activation included. Used instead of `cblas_sgemm` because the shapes here are small (K, N ≤ a
/// few hundred, M up to 9216) and OpenBLAS's generic x86 kernel is several times slower on them.
struct PackedGemm {
    static let nr = 16
    static let mr = 4

    let m: Int, n: Int, k: Int
    let activation: FusedActivation
    /// Per-column PRELU alpha [N] applied after the activation (a PRELU op fused into the conv).
    var preluAlpha: UnsafePointer<Float>? = nil

    /// Repacks filter [N, K] into [K, nPad] (zero padded), nPad = N rounded up to a multiple of 16.
    static func pack(filter: ArraySlice<Float>, n: Int, k: Int) -> [Float] {
        let nPad = (n + nr - 1) / nr * nr
        var out = [Float](repeating: 0, count: k * nPad)
        let base = filter.startIndex
        for o in 0..<n { for kk in 0..<k { out[kk * nPad + o] = filter[base + o * k + kk] } }
        return out
    }

    static func paddedBias(_ bias: ArraySlice<Float>?, n: Int) -> [Float] {
        let nPad = (n + nr - 1) / nr * nr
        var out = [Float](repeating: 0, count: nPad)
        if let bias { for i in 0..<min(n, bias.count) { out[i] = bias[bias.startIndex + i] } }
        return out
    }

    /// Computes rows `rows` of C. `a` has row stride `lda` (≥ K); `c` has row stride N.
    /// Shapes: a [M, lda], packed [K, nPad], bias [nPad], c [M, N].
    func run(rows: Range<Int>, a: UnsafePointer<Float>, lda: Int, packed: UnsafePointer<Float>,
             bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        let nPad = (n + Self.nr - 1) / Self.nr * Self.nr
        var nb = 0
        while nb < nPad {
            let b = packed + nb
            var r = rows.lowerBound
            if n &- nb <= 8 {
                // Narrow last column block (N % 16 in 1...8): half the FMAs of a padded 16-wide block.
                while r &+ 6 <= rows.upperBound {
                    block6x8(a: a + r * lda, lda: lda, b: b, nPad: nPad, bias: bias + nb, c: c + r * n, col: nb)
                    r &+= 6
                }
                while r < rows.upperBound {
                    block6x8(a: a + r * lda, lda: 0, b: b, nPad: nPad, bias: bias + nb, c: c + r * n, col: nb, rowsUsed: 1)
                    r &+= 1
                }
                nb += Self.nr
                continue
            }
            while r &+ 6 <= rows.upperBound {
                block6(a: a + r * lda, lda: lda, b: b, nPad: nPad, bias: bias + nb, c: c + r * n, col: nb)
                r &+= 6
            }
            while r + Self.mr <= rows.upperBound {
                block4(a: a + r * lda, lda: lda, b: b, nPad: nPad, bias: bias + nb, c: c + r * n, col: nb)
                r += Self.mr
            }
            while r < rows.upperBound {
                block1(a: a + r * lda, b: b, nPad: nPad, bias: bias + nb, c: c + r * n, col: nb)
                r += 1
            }
            nb += Self.nr
        }
        applyActivation(activation, c + rows.lowerBound * n, count: rows.count * n)
        if let alpha = preluAlpha {
            let block = c + rows.lowerBound * n
            preluKernel(block, count: rows.count * n, alpha: alpha, alphaCount: n, block, team: nil)
        }
    }

    @inline(__always)
    private func store(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, to c: UnsafeMutablePointer<Float>, col: Int) {
        let x0 = v0, x1 = v1
        if col + 16 <= n {
            storeVec8(c + col, x0)
            storeVec8(c + col + 8, x1)
        } else {
            for i in 0..<min(8, n - col) { c[col + i] = x0[i] }
            if col + 8 < n { for i in 0..<min(8, n - col - 8) { c[col + 8 + i] = x1[i] } }
        }
    }

    @inline(__always)
    private func block4(a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, nPad: Int,
                        bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        let bias0 = loadVec8(bias), bias1 = loadVec8(bias + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1
        var c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
        var bp = b
        for kk in 0..<k {
            let b0 = loadVec8(bp), b1 = loadVec8(bp + 8)
            let x0 = SIMD8<Float>(repeating: a0[kk]), x1 = SIMD8<Float>(repeating: a1[kk])
            let x2 = SIMD8<Float>(repeating: a2[kk]), x3 = SIMD8<Float>(repeating: a3[kk])
            c00 = c00.addingProduct(x0, b0); c01 = c01.addingProduct(x0, b1)
            c10 = c10.addingProduct(x1, b0); c11 = c11.addingProduct(x1, b1)
            c20 = c20.addingProduct(x2, b0); c21 = c21.addingProduct(x2, b1)
            c30 = c30.addingProduct(x3, b0); c31 = c31.addingProduct(x3, b1)
            bp += nPad
        }
        store(c00, c01, to: c, col: col)
        store(c10, c11, to: c + n, col: col)
        store(c20, c21, to: c + 2 * n, col: col)
        store(c30, c31, to: c + 3 * n, col: col)
    }

    /// 6×16 block: twelve accumulators, two B vectors and a broadcast fill 15 of the 16 AVX registers.
    @inline(__always)
    private func block6(a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, nPad: Int,
                        bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        let bias0 = loadVec8(bias), bias1 = loadVec8(bias + 8)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        let a0 = a, a1 = a + lda, a2 = a + 2 &* lda, a3 = a + 3 &* lda, a4 = a + 4 &* lda, a5 = a + 5 &* lda
        var bp = b
        for kk in 0..<k {
            let b0 = loadVec8(bp), b1 = loadVec8(bp + 8)
            var x = SIMD8<Float>(repeating: a0[kk])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: a1[kk])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: a2[kk])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: a3[kk])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: a4[kk])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD8<Float>(repeating: a5[kk])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            bp += nPad
        }
        store(c00, c01, to: c, col: col)
        store(c10, c11, to: c + n, col: col)
        store(c20, c21, to: c + 2 &* n, col: col)
        store(c30, c31, to: c + 3 &* n, col: col)
        store(c40, c41, to: c + 4 &* n, col: col)
        store(c50, c51, to: c + 5 &* n, col: col)
    }

    /// 6×8 block for the narrow last column block. With `rowsUsed` < 6 the extra rows alias row 0
    /// (lda 0) and only the first `rowsUsed` rows are stored.
    @inline(__always)
    private func block6x8(a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, nPad: Int,
                          bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int, rowsUsed: Int = 6) {
        let bias0 = loadVec8(bias)
        var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
        let a0 = a, a1 = a + lda, a2 = a + 2 &* lda, a3 = a + 3 &* lda, a4 = a + 4 &* lda, a5 = a + 5 &* lda
        var bp = b
        for kk in 0..<k {
            let b0 = loadVec8(bp)
            c0 = c0.addingProduct(SIMD8<Float>(repeating: a0[kk]), b0)
            c1 = c1.addingProduct(SIMD8<Float>(repeating: a1[kk]), b0)
            c2 = c2.addingProduct(SIMD8<Float>(repeating: a2[kk]), b0)
            c3 = c3.addingProduct(SIMD8<Float>(repeating: a3[kk]), b0)
            c4 = c4.addingProduct(SIMD8<Float>(repeating: a4[kk]), b0)
            c5 = c5.addingProduct(SIMD8<Float>(repeating: a5[kk]), b0)
            bp += nPad
        }
        let width = min(8, n &- col)
        func put(_ v: SIMD8<Float>, _ row: Int) {
            let off: Int = row &* n &+ col
            let dst = c + off
            if width == 8 { storeVec8(dst, v) } else { for i in 0..<width { dst[i] = v[i] } }
        }
        put(c0, 0)
        if rowsUsed > 1 { put(c1, 1); put(c2, 2); put(c3, 3); put(c4, 4); put(c5, 5) }
    }

    @inline(__always)
    private func block1(a: UnsafePointer<Float>, b: UnsafePointer<Float>, nPad: Int,
                        bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        var c0 = loadVec8(bias), c1 = loadVec8(bias + 8)
        var bp = b
        for kk in 0..<k {
            let x = SIMD8<Float>(repeating: a[kk])
            c0 = c0.addingProduct(x, loadVec8(bp)); c1 = c1.addingProduct(x, loadVec8(bp + 8))
            bp += nPad
        }
        store(c0, c1, to: c, col: col)
    }
}
