import Imaging

/// A strided view of a float matrix: element (r, c) lives at `base[r * rowStride + c * colStride]`,
/// so a transpose or a head's column slice is a view, not a copy.
public struct MatrixOperand {
    /// Element (0, 0).
    public var base: UnsafePointer<Float>
    /// Distance between consecutive rows, in floats.
    public var rowStride: Int
    /// Distance between consecutive columns, in floats.
    public var colStride: Int

    /// A view with the given strides.
    public init(_ base: UnsafePointer<Float>, rowStride: Int, colStride: Int = 1) {
        self.base = base
        self.rowStride = rowStride
        self.colStride = colStride
    }
}

/// Something that can write blocks of the GEMM's B operand into packed panels.
protocol GemmBSource {
    /// Writes B[k0 ..< k0+kc, n0 ..< n0+nc] as panels [ceil(nc/32)][kc][32], zero padded past nc.
    func pack(k0: Int, kc: Int, n0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>)
}

/// Cache-blocked single-precision GEMM for the large, few-call products of the diffusion networks
/// (K and N in the thousands): C[M×N] (+)= A[M×K] · B[K×N].
///
/// Goto-style blocking: A is packed once per call into 8-row slivers [K/kc][M/8][kc][8]; B is packed
/// per (nc, kc) block into 32-column panels [nc/32][kc][32] by a `GemmBSource` (a strided matrix, or
/// a convolution's input gathered on the fly, so no im2col matrix ever exists). The 8×32 micro-kernel
/// keeps sixteen zmm accumulators and streams one B panel (32 KB, L1) against the A slivers (L2).
/// Debian's OpenBLAS runs its SSE3 kernel on this CPU (Neural/README.md), hence our own.
enum DenseGemm {
    static let mr = 8, nr = 32, kc = 256, nc = 512
    /// Row groups (of eight) per inner A block: 16 × 8 rows × kc floats = 128 KB, resident in L2.
    static let groupsPerBlock = 16
    /// Scratch floats per thread for one packed B block.
    static let bBlockFloats = kc * nc

    /// Packs A (M×K, strided) into [K/kc][groups][kcb][8], zero rows past M, for row groups `groups`.
    static func packA(_ a: MatrixOperand, m: Int, k: Int, groups: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        let mPad = (m + mr - 1) / mr * mr
        withUnsafeTemporaryAllocation(of: Float.self, capacity: kc) { zeroBuffer in
            zeroBuffer.initialize(repeating: 0)
            let zeros = UnsafePointer(zeroBuffer.baseAddress!)
            var k0 = 0
            while k0 < k {
                let kcb = min(kc, k - k0)
                let block = dst + k0 * mPad
                for g in groups {
                    let d = block + g * kcb * mr
                    if a.colStride == 1 {
                        // Rows past M read the zero row; K outermost, so each step writes eight contiguous floats.
                        func row(_ r: Int) -> UnsafePointer<Float> {
                            g * mr + r < m ? a.base + (g * mr + r) * a.rowStride + k0 : zeros
                        }
                        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5), r6 = row(6), r7 = row(7)
                        for kk in 0..<kcb {
                            let dk = d + kk * mr
                            dk[0] = r0[kk]; dk[1] = r1[kk]; dk[2] = r2[kk]; dk[3] = r3[kk]
                            dk[4] = r4[kk]; dk[5] = r5[kk]; dk[6] = r6[kk]; dk[7] = r7[kk]
                        }
                        continue
                    }
                    for r in 0..<mr {
                        let row = g * mr + r, dr = d + r
                        if row >= m {
                            for kk in 0..<kcb { dr[kk * mr] = 0 }
                        } else {
                            let src = a.base + row * a.rowStride + k0 * a.colStride
                            for kk in 0..<kcb { dr[kk * mr] = src[kk * a.colStride] }
                        }
                    }
                }
                k0 += kc
            }
        }
    }

    /// C = A·B (or C += A·B when `accumulate`) for `batches` independent B/C pairs sharing one A
    /// (a convolution's weights over the samples of a batch). C has row stride `ldc`.
    static func run(m: Int, n: Int, k: Int, a: MatrixOperand, batches: Int = 1,
                    b: (Int) -> any GemmBSource, c: (Int) -> UnsafeMutablePointer<Float>, ldc: Int,
                    accumulate: Bool, threads: ComputeThreads) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if !accumulate { for i in 0..<batches { for r in 0..<m { (c(i) + r * ldc).update(repeating: 0, count: n) } } }
            return
        }
        let groups = (m + mr - 1) / mr
        let packed = threads.workspace(.packedA, floats: groups * mr * k)
        threads.split(groups, work: m * k / 4) { _, r in packA(a, m: m, k: k, groups: r, into: packed) }
        for i in 0..<batches {
            let bs = b(i), cp = c(i)
            let panels = (n + nr - 1) / nr
            // Split columns when there are enough for every thread, rows otherwise (few-pixel layers).
            if panels >= 2 * threads.threads || groups < 2 * threads.threads {
                threads.split(panels, work: m * n * k) { t, r in
                    block(m: m, k: k, groups: 0..<groups, cols: (r.lowerBound * nr)..<min(n, r.upperBound * nr),
                          packedA: packed, b: bs, c: cp, ldc: ldc, accumulate: accumulate, scratch: threads.scratch[t])
                }
            } else {
                threads.split(groups, work: m * n * k) { t, r in
                    block(m: m, k: k, groups: r, cols: 0..<n, packedA: packed, b: bs, c: cp, ldc: ldc,
                          accumulate: accumulate, scratch: threads.scratch[t])
                }
            }
        }
    }

    /// One thread's share: row groups `groups` × columns `cols` of C.
    static func block(m: Int, k: Int, groups: Range<Int>, cols: Range<Int>, packedA: UnsafePointer<Float>,
                      b: any GemmBSource, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                      scratch: UnsafeMutablePointer<Float>) {
        let mPad = (m + mr - 1) / mr * mr
        var jc = cols.lowerBound
        while jc < cols.upperBound {
            let ncb = min(nc, cols.upperBound - jc)
            var k0 = 0
            while k0 < k {
                let kcb = min(kc, k - k0)
                b.pack(k0: k0, kc: kcb, n0: jc, nc: ncb, into: scratch)
                let aBlock = packedA + k0 * mPad
                let add = accumulate || k0 > 0
                var ic = groups.lowerBound
                while ic < groups.upperBound {
                    let icEnd = min(ic + groupsPerBlock, groups.upperBound)
                    for panel in 0..<((ncb + nr - 1) / nr) {
                        let bp = UnsafePointer(scratch + panel * kcb * nr)
                        let col = jc + panel * nr, ncols = min(nr, cols.upperBound - col)
                        for g in ic..<icEnd {
                            let rows = min(mr, m - g * mr)
                            let cp = c + g * mr * ldc + col
                            if rows == mr && ncols == nr {
                                micro(kc: kcb, a: aBlock + g * kcb * mr, b: bp, c: cp, ldc: ldc, add: add)
                            } else {
                                edge(kc: kcb, a: aBlock + g * kcb * mr, b: bp, c: cp, ldc: ldc, rows: rows, cols: ncols, add: add)
                            }
                        }
                    }
                    ic = icEnd
                }
                k0 += kc
            }
            jc += ncb
        }
    }

    /// A partial tile: through an 8×32 buffer, copying only the valid part of C in and out.
    static func edge(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                     ldc: Int, rows: Int, cols: Int, add: Bool) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { tile in
            let t = tile.baseAddress!
            t.initialize(repeating: 0, count: mr * nr)
            if add { for r in 0..<rows { for j in 0..<cols { t[r * nr + j] = c[r * ldc + j] } } }
            micro(kc: kc, a: a, b: b, c: t, ldc: nr, add: true)
            for r in 0..<rows { for j in 0..<cols { c[r * ldc + j] = t[r * nr + j] } }
        }
    }

    /// The register block: C[8×32] (+)= Â[kc×8]ᵀ · B̂[kc×32] in sixteen zmm accumulators, two B vectors
    /// and eight broadcasts per K step (19 of AVX-512's 32 registers; every SD channel count is a
    /// multiple of 8, so no row group is partial).
    @inline(__always)
    static func micro(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                      ldc: Int, add: Bool) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>(), c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        var c60 = SIMD16<Float>(), c61 = SIMD16<Float>(), c70 = SIMD16<Float>(), c71 = SIMD16<Float>()
        var ap = a, bp = b
        for _ in 0..<kc {
            let b0 = load16(bp), b1 = load16(bp + 16)
            var x = SIMD16<Float>(repeating: ap[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[1])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[2])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[3])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[4])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[5])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[6])
            c60 = c60.addingProduct(x, b0); c61 = c61.addingProduct(x, b1)
            x = SIMD16<Float>(repeating: ap[7])
            c70 = c70.addingProduct(x, b0); c71 = c71.addingProduct(x, b1)
            ap += mr
            bp += nr
        }
        @inline(__always) func put(_ row: Int, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>) {
            let p = c + row * ldc
            if add {
                store16(p, 0, load16(p) + v0)
                store16(p, 16, load16(p + 16) + v1)
            } else {
                store16(p, 0, v0)
                store16(p, 16, v1)
            }
        }
        put(0, c00, c01); put(1, c10, c11); put(2, c20, c21); put(3, c30, c31)
        put(4, c40, c41); put(5, c50, c51); put(6, c60, c61); put(7, c70, c71)
    }
}
