import Imaging

/// Dense multiply for convolutions with constant weights: C[M×N] = epilogue(A[M×K] · Bᵀ + bias), where
/// B arrives as TFLite's filter [N, K] and is repacked once at load time into panels of 16 columns,
/// [N/16][K][16] zero padded (`pack`), so a micro-kernel streams its panel contiguously.
/// AVX-512 micro-kernels keep a 6×32, 6×24 or 6×16 block of C in zmm accumulators and walk K with
/// broadcast-FMA. Rows go in groups of six with every panel inside the group, so the epilogue
/// (activation, fused residual ADD, PRELU) runs on rows still in L1. Used instead of `cblas_sgemm`
/// because the shapes here are small (K, N ≤ a few hundred, M up to 9216) and Debian's OpenBLAS runs
/// its generic SSE3 kernel on this CPU.
///
/// A need not be a matrix in memory (`ALayout`): row r starts at `a + r * lda`, and its K values are
/// `segments` runs of `segmentLength` contiguous floats `segmentStride` apart. A convolution thus
/// reads its NHWC input directly, one run per kernel row, with no im2col copy.
struct PackedGemm {
    static let nr = 16

    let n: Int, k: Int
    let activation: FusedActivation
    /// Per-column PRELU alpha [N padded to 16], applied last (a PRELU op fused into the conv).
    let preluAlpha: UnsafePointer<Float>?
    /// Columns of the residual added after the activation (a fused ADD); columns at and beyond it
    /// add zero (a fused channel PAD). 0: no residual.
    let residualChannels: Int
    /// Activation applied to the sum with the residual.
    let residualActivation: FusedActivation
    init(n: Int, k: Int, activation: FusedActivation, preluAlpha: UnsafePointer<Float>? = nil,
         residualChannels: Int = 0, residualActivation: FusedActivation = .none) {
        self.n = n
        self.k = k
        self.activation = activation
        self.preluAlpha = preluAlpha
        self.residualChannels = residualChannels
        self.residualActivation = residualActivation
    }

    /// Where the K values of each row of A live (see the type's comment).
    struct ALayout {
        var lda: Int
        var segments: Int = 1
        var segmentLength: Int
        var segmentStride: Int = 0

        /// A plain row-major matrix with row stride `lda` and `k` columns.
        static func matrix(lda: Int, k: Int) -> ALayout { ALayout(lda: lda, segmentLength: k) }
    }

    /// Repacks filter [N, K] into panels [nPad/16][K][16] (zero padded), nPad = N rounded up to 16.
    static func pack(filter: ArraySlice<Float>, n: Int, k: Int) -> [Float] {
        let nPad = (n + nr - 1) / nr * nr
        var out = [Float](repeating: 0, count: k * nPad)
        let base = filter.startIndex
        for o in 0..<n {
            let panel = (o / nr) * k * nr, lane = o % nr
            for kk in 0..<k { out[panel + kk * nr + lane] = filter[base + o * k + kk] }
        }
        return out
    }

    /// `bias` (or zeros) padded to a multiple of 16 floats.
    static func paddedBias(_ bias: ArraySlice<Float>?, n: Int) -> [Float] {
        let nPad = (n + nr - 1) / nr * nr
        var out = [Float](repeating: 0, count: nPad)
        if let bias { for i in 0..<min(n, bias.count) { out[i] = bias[bias.startIndex + i] } }
        return out
    }

    /// Number of 16-column panels.
    var panels: Int { (n + Self.nr - 1) / Self.nr }

    /// Computes rows `rows` of C for the panels in `panelRange` (all by default). Row r of A is laid
    /// out as `layout` says, from `a`; `c` has row stride N; `residual` (used when `residualChannels`
    /// > 0) is row-aligned with `c` and has row stride `residualChannels`.
    /// Shapes: packed [nPad/16][K][16], bias [nPad], c [M, N], residual [M, residualChannels].
    func run(rows: Range<Int>, panelRange: Range<Int>? = nil, a: UnsafePointer<Float>, layout: ALayout,
             packed: UnsafePointer<Float>, bias: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
             residual: UnsafePointer<Float>? = nil) {
        let res = residualChannels > 0 ? residual : nil
        let lda = layout.lda
        let panels = panelRange ?? 0..<self.panels
        let needsEpilogue = !(activation == .none && res == nil && preluAlpha == nil)
        var r = rows.lowerBound
        while r < rows.upperBound {
            let used = min(6, rows.upperBound &- r)
            let ar = a + r &* lda, cr = c + r &* n
            var panel = panels.lowerBound
            while panel < panels.upperBound {
                let nb = panel &* Self.nr
                let b = packed + nb &* k
                if n &- nb <= 8 {
                    // Narrow last panel (N % 16 in 1...8): half the FMAs of a padded 16-wide block.
                    block6x8(a: ar, layout, rowsUsed: used, b: b, bias: bias + nb, c: cr, col: nb)
                } else if used == 1 {
                    block1(a: ar, layout, b: b, bias: bias + nb, c: cr, col: nb)
                } else if panel &+ 1 < panels.upperBound && n &- nb > 16 && n &- nb <= 24 {
                    // A full panel followed by the narrow last one: one zmm and one ymm per row.
                    block6x24(a: ar, layout, rowsUsed: used, b: b, bias: bias + nb, c: cr, col: nb)
                    panel &+= 1
                } else if panel &+ 1 < panels.upperBound && n &- nb > 24 {
                    // Two panels at once: twelve zmm accumulators keep both FMA units busy.
                    block6x32(a: ar, layout, rowsUsed: used, b: b, bias: bias + nb, c: cr, col: nb)
                    panel &+= 1
                } else {
                    block6x16(a: ar, layout, rowsUsed: used, b: b, bias: bias + nb, c: cr, col: nb)
                }
                panel &+= 1
            }
            if needsEpilogue {
                // The block's rows are still in L1: one short pass instead of a pass per fused op.
                let cols = (panels.lowerBound &* Self.nr)..<min(n, panels.upperBound &* Self.nr)
                for i in 0..<used {
                    epilogue(cr + i &* n, res: res.map { $0 + (r &+ i) &* residualChannels }, cols: cols)
                }
            }
            r &+= used
        }
    }

    /// Activation, then the residual (`res`, this row's) and its activation, then the fused PRELU,
    /// on columns `cols` of one row of C.
    @inline(__always)
    private func epilogue(_ c: UnsafeMutablePointer<Float>, res: UnsafePointer<Float>?, cols: Range<Int>) {
        var col = cols.lowerBound
        while col &+ 16 <= cols.upperBound {
            Imaging.store16(c + col, 0, finish16(load16(c + col), col: col, res: res))
            col &+= 16
        }
        while col &+ 8 <= cols.upperBound {
            Imaging.store8(c + col, 0, finish(load8(c + col), col: col, res: res))
            col &+= 8
        }
        if col < cols.upperBound {
            // Tail: through a zero-padded vector, so the lanes follow the same arithmetic.
            var v = SIMD8<Float>()
            for i in 0..<(cols.upperBound &- col) { v[i] = c[col &+ i] }
            let x = finish(v, col: col, res: res)
            for i in 0..<(cols.upperBound &- col) { c[col &+ i] = x[i] }
        }
    }

    /// The epilogue on sixteen values of columns `col...` of one row (eight-lane halves where the
    /// residual ends inside the vector or the activation is not a clamp).
    @inline(__always)
    private func finish16(_ v: SIMD16<Float>, col: Int, res: UnsafePointer<Float>?) -> SIMD16<Float> {
        let fast = (activation == .none || activation == .relu)
            && (res == nil || col &+ 16 <= residualChannels || col >= residualChannels)
            && (res == nil || residualActivation == .none || residualActivation == .relu)
        guard fast else {
            return SIMD16(lowHalf: finish(v.lowHalf, col: col, res: res), highHalf: finish(v.highHalf, col: col &+ 8, res: res))
        }
        var x = activation == .relu ? v.replacing(with: 0, where: v .< SIMD16<Float>()) : v
        if let res {
            if col < residualChannels { x += load16(res + col) }
            if residualActivation == .relu { x = x.replacing(with: 0, where: x .< SIMD16<Float>()) }
        }
        guard let alpha = preluAlpha else { return x }
        return x.replacing(with: x * load16(alpha + col), where: x .< 0)
    }

    /// The epilogue on eight values of columns `col...` of one row.
    @inline(__always)
    private func finish(_ v: SIMD8<Float>, col: Int, res: UnsafePointer<Float>?) -> SIMD8<Float> {
        var x = Self.activate(v, activation)
        if let res {
            if col &+ 8 <= residualChannels {
                x += load8(res + col)
            } else if col < residualChannels {
                for i in 0..<(residualChannels &- col) { x[i] += res[col &+ i] }
            }
            x = Self.activate(x, residualActivation)
        }
        guard let alpha = preluAlpha else { return x }
        return x.replacing(with: x * load8(alpha + col), where: x .< 0)
    }

    /// The activation with the common cases spelled out here, so they inline into the epilogue.
    @inline(__always)
    private static func activate(_ x: SIMD8<Float>, _ a: FusedActivation) -> SIMD8<Float> {
        switch a {
        case .none: return x
        case .relu: return x.replacing(with: 0, where: x .< SIMD8<Float>())
        case .relu6:
            let y = x.replacing(with: 0, where: x .< SIMD8<Float>())
            return y.replacing(with: 6, where: y .> SIMD8<Float>(repeating: 6))
        default: return activateSlow(x, a)
        }
    }

    @inline(never)
    private static func activateSlow(_ x: SIMD8<Float>, _ a: FusedActivation) -> SIMD8<Float> { a.apply(x) }
}
