import Imaging

// The register-blocked micro-kernels of `PackedGemm`. Each computes up to six rows of C for one or
// two 16-column panels: bias-initialised accumulators, a K loop of broadcast-FMA over the packed
// panel(s), and one store per row (the epilogue runs afterwards, in `PackedGemm.run`).
extension PackedGemm {
    @inline(__always)
    func store(_ x0: SIMD8<Float>, _ x1: SIMD8<Float>, to c: UnsafeMutablePointer<Float>, col: Int) {
        if col &+ 16 <= n {
            Imaging.store8(c + col, 0, x0)
            Imaging.store8(c + col + 8, 0, x1)
        } else {
            for i in 0..<min(8, n &- col) { c[col &+ i] = x0[i] }
            if col &+ 8 < n { for i in 0..<min(8, n &- col &- 8) { c[col &+ 8 &+ i] = x1[i] } }
        }
    }

    @inline(__always)
    func store16(_ x: SIMD16<Float>, to c: UnsafeMutablePointer<Float>, col: Int) {
        if col &+ 16 <= n {
            Imaging.store16(c + col, 0, x)
        } else {
            for i in 0..<min(16, n &- col) { c[col &+ i] = x[i] }
        }
    }

    /// Row offsets of a 6-row block; with `rowsUsed` < 6 the missing rows alias the last used one
    /// (computed, not stored).
    @inline(__always)
    static func rowOffsets(_ lda: Int, _ rowsUsed: Int) -> (Int, Int, Int, Int, Int) {
        let last = rowsUsed &- 1
        return (min(1, last) &* lda, min(2, last) &* lda, min(3, last) &* lda, min(4, last) &* lda, min(5, last) &* lda)
    }

    /// 6×32 block over two adjacent panels: twelve zmm accumulators, two B vectors and a broadcast
    /// per K step (AVX-512: sixteen floats per FMA).
    @inline(__always)
    func block6x32(a: UnsafePointer<Float>, _ layout: ALayout, rowsUsed: Int, b: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        let bias0 = load16(bias), bias1 = load16(bias + 16)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        let (o1, o2, o3, o4, o5) = Self.rowOffsets(layout.lda, rowsUsed)
        var bp = b, bq = b + k &* Self.nr
        for s in 0..<layout.segments {
            let a0 = a + s &* layout.segmentStride
            let a1 = a0 + o1, a2 = a0 + o2, a3 = a0 + o3, a4 = a0 + o4, a5 = a0 + o5
            for kk in 0..<layout.segmentLength {
                let b0 = load16(bp), b1 = load16(bq)
                var x = SIMD16<Float>(repeating: a0[kk])
                c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
                x = SIMD16<Float>(repeating: a1[kk])
                c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
                x = SIMD16<Float>(repeating: a2[kk])
                c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
                x = SIMD16<Float>(repeating: a3[kk])
                c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
                x = SIMD16<Float>(repeating: a4[kk])
                c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
                x = SIMD16<Float>(repeating: a5[kk])
                c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
                bp += Self.nr
                bq += Self.nr
            }
        }
        let col1 = col &+ 16
        store16(c00, to: c, col: col); store16(c01, to: c, col: col1)
        guard rowsUsed > 1 else { return }
        store16(c10, to: c + n, col: col); store16(c11, to: c + n, col: col1)
        guard rowsUsed > 2 else { return }
        store16(c20, to: c + 2 &* n, col: col); store16(c21, to: c + 2 &* n, col: col1)
        guard rowsUsed > 3 else { return }
        store16(c30, to: c + 3 &* n, col: col); store16(c31, to: c + 3 &* n, col: col1)
        guard rowsUsed > 4 else { return }
        store16(c40, to: c + 4 &* n, col: col); store16(c41, to: c + 4 &* n, col: col1)
        guard rowsUsed > 5 else { return }
        store16(c50, to: c + 5 &* n, col: col); store16(c51, to: c + 5 &* n, col: col1)
    }

    /// 6×16 block over one panel. Even and odd K steps feed separate accumulator sets, so twelve
    /// FMA chains are in flight (six would leave the FMA units waiting on latency); rows as `block6x32`.
    @inline(__always)
    func block6x16(a: UnsafePointer<Float>, _ layout: ALayout, rowsUsed: Int, b: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        let bias0 = load16(bias), zero = SIMD16<Float>()
        var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
        var d0 = zero, d1 = zero, d2 = zero, d3 = zero, d4 = zero, d5 = zero
        let (o1, o2, o3, o4, o5) = Self.rowOffsets(layout.lda, rowsUsed)
        var bp = b
        for s in 0..<layout.segments {
            let a0 = a + s &* layout.segmentStride
            let a1 = a0 + o1, a2 = a0 + o2, a3 = a0 + o3, a4 = a0 + o4, a5 = a0 + o5
            var kk = 0
            while kk &+ 2 <= layout.segmentLength {
                let b0 = load16(bp), b1 = load16(bp + Self.nr)
                let k1 = kk &+ 1
                c0 = c0.addingProduct(SIMD16<Float>(repeating: a0[kk]), b0)
                d0 = d0.addingProduct(SIMD16<Float>(repeating: a0[k1]), b1)
                c1 = c1.addingProduct(SIMD16<Float>(repeating: a1[kk]), b0)
                d1 = d1.addingProduct(SIMD16<Float>(repeating: a1[k1]), b1)
                c2 = c2.addingProduct(SIMD16<Float>(repeating: a2[kk]), b0)
                d2 = d2.addingProduct(SIMD16<Float>(repeating: a2[k1]), b1)
                c3 = c3.addingProduct(SIMD16<Float>(repeating: a3[kk]), b0)
                d3 = d3.addingProduct(SIMD16<Float>(repeating: a3[k1]), b1)
                c4 = c4.addingProduct(SIMD16<Float>(repeating: a4[kk]), b0)
                d4 = d4.addingProduct(SIMD16<Float>(repeating: a4[k1]), b1)
                c5 = c5.addingProduct(SIMD16<Float>(repeating: a5[kk]), b0)
                d5 = d5.addingProduct(SIMD16<Float>(repeating: a5[k1]), b1)
                bp += 2 &* Self.nr
                kk &+= 2
            }
            if kk < layout.segmentLength {
                let b0 = load16(bp)
                c0 = c0.addingProduct(SIMD16<Float>(repeating: a0[kk]), b0)
                c1 = c1.addingProduct(SIMD16<Float>(repeating: a1[kk]), b0)
                c2 = c2.addingProduct(SIMD16<Float>(repeating: a2[kk]), b0)
                c3 = c3.addingProduct(SIMD16<Float>(repeating: a3[kk]), b0)
                c4 = c4.addingProduct(SIMD16<Float>(repeating: a4[kk]), b0)
                c5 = c5.addingProduct(SIMD16<Float>(repeating: a5[kk]), b0)
                bp += Self.nr
            }
        }
        store16(c0 + d0, to: c, col: col)
        guard rowsUsed > 1 else { return }
        store16(c1 + d1, to: c + n, col: col)
        guard rowsUsed > 2 else { return }
        store16(c2 + d2, to: c + 2 &* n, col: col)
        guard rowsUsed > 3 else { return }
        store16(c3 + d3, to: c + 3 &* n, col: col)
        guard rowsUsed > 4 else { return }
        store16(c4 + d4, to: c + 4 &* n, col: col)
        guard rowsUsed > 5 else { return }
        store16(c5 + d5, to: c + 5 &* n, col: col)
    }

    /// 6×24 block: a full panel (zmm) and the narrow last panel (ymm, the low half of the same
    /// broadcast) per row, twelve accumulators; rows as `block6x32`.
    @inline(__always)
    func block6x24(a: UnsafePointer<Float>, _ layout: ALayout, rowsUsed: Int, b: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        let bias0 = load16(bias), bias1 = load8(bias + 16)
        var c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1
        var c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1
        let (o1, o2, o3, o4, o5) = Self.rowOffsets(layout.lda, rowsUsed)
        var bp = b, bq = b + k &* Self.nr
        for s in 0..<layout.segments {
            let a0 = a + s &* layout.segmentStride
            let a1 = a0 + o1, a2 = a0 + o2, a3 = a0 + o3, a4 = a0 + o4, a5 = a0 + o5
            for kk in 0..<layout.segmentLength {
                let b0 = load16(bp), b1 = load8(bq)
                var x = SIMD16<Float>(repeating: a0[kk])
                c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x.lowHalf, b1)
                x = SIMD16<Float>(repeating: a1[kk])
                c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x.lowHalf, b1)
                x = SIMD16<Float>(repeating: a2[kk])
                c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x.lowHalf, b1)
                x = SIMD16<Float>(repeating: a3[kk])
                c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x.lowHalf, b1)
                x = SIMD16<Float>(repeating: a4[kk])
                c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x.lowHalf, b1)
                x = SIMD16<Float>(repeating: a5[kk])
                c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x.lowHalf, b1)
                bp += Self.nr
                bq += Self.nr
            }
        }
        let col1 = col &+ 16
        func put(_ v: SIMD16<Float>, _ u: SIMD8<Float>, _ row: Int) {
            guard row < rowsUsed else { return }
            let dst = c + row &* n
            Imaging.store16(dst + col, 0, v)
            if col1 &+ 8 <= n { Imaging.store8(dst + col1, 0, u) } else { for i in 0..<(n &- col1) { dst[col1 &+ i] = u[i] } }
        }
        put(c00, c01, 0); put(c10, c11, 1); put(c20, c21, 2); put(c30, c31, 3); put(c40, c41, 4); put(c50, c51, 5)
    }

    /// 6×8 block for the narrow last panel; rows as `block6x32`.
    @inline(__always)
    func block6x8(a: UnsafePointer<Float>, _ layout: ALayout, rowsUsed: Int, b: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        let bias0 = load8(bias)
        var c0 = bias0, c1 = bias0, c2 = bias0, c3 = bias0, c4 = bias0, c5 = bias0
        let (o1, o2, o3, o4, o5) = Self.rowOffsets(layout.lda, rowsUsed)
        var bp = b
        for s in 0..<layout.segments {
            let a0 = a + s &* layout.segmentStride
            let a1 = a0 + o1, a2 = a0 + o2, a3 = a0 + o3, a4 = a0 + o4, a5 = a0 + o5
            for kk in 0..<layout.segmentLength {
                let b0 = load8(bp)
                c0 = c0.addingProduct(SIMD8<Float>(repeating: a0[kk]), b0)
                c1 = c1.addingProduct(SIMD8<Float>(repeating: a1[kk]), b0)
                c2 = c2.addingProduct(SIMD8<Float>(repeating: a2[kk]), b0)
                c3 = c3.addingProduct(SIMD8<Float>(repeating: a3[kk]), b0)
                c4 = c4.addingProduct(SIMD8<Float>(repeating: a4[kk]), b0)
                c5 = c5.addingProduct(SIMD8<Float>(repeating: a5[kk]), b0)
                bp += Self.nr
            }
        }
        let width = min(8, n &- col)
        func put(_ v: SIMD8<Float>, _ row: Int) {
            guard row < rowsUsed else { return }
            let dst = c + (row &* n &+ col)
            if width == 8 { Imaging.store8(dst, 0, v) } else { for i in 0..<width { dst[i] = v[i] } }
        }
        put(c0, 0); put(c1, 1); put(c2, 2); put(c3, 3); put(c4, 4); put(c5, 5)
    }

    /// One row by 16 columns (the matrix-vector case): two accumulator pairs hide the FMA latency.
    @inline(__always)
    func block1(a: UnsafePointer<Float>, _ layout: ALayout, b: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, col: Int) {
        var c0 = load8(bias), c1 = load8(bias + 8)
        var d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
        var bp = b
        for s in 0..<layout.segments {
            let a0 = a + s &* layout.segmentStride
            var kk = 0
            while kk &+ 2 <= layout.segmentLength {
                let x = SIMD8<Float>(repeating: a0[kk]), y = SIMD8<Float>(repeating: a0[kk &+ 1])
                c0 = c0.addingProduct(x, load8(bp)); c1 = c1.addingProduct(x, load8(bp + 8))
                d0 = d0.addingProduct(y, load8(bp + 16)); d1 = d1.addingProduct(y, load8(bp + 24))
                bp += 2 &* Self.nr
                kk &+= 2
            }
            if kk < layout.segmentLength {
                let x = SIMD8<Float>(repeating: a0[kk])
                c0 = c0.addingProduct(x, load8(bp)); c1 = c1.addingProduct(x, load8(bp + 8))
                bp += Self.nr
            }
        }
        store(c0 + d0, c1 + d1, to: c, col: col)
    }
}
