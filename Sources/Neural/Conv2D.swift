import Imaging
import CBLAS

/// CONV_2D.
///   input  [N, H, W, Cin]
///   filter [Cout, KH, KW, Cin]
///   bias   [Cout]
///   output [N, OH, OW, Cout]
/// Computed as output rows (N*OH*OW) × Cout = A (rows × KH*KW*Cin) · filterᵀ. With constant (repacked)
/// weights `PackedGemm` reads A straight from the NHWC input: a 1×1 stride-1 conv is a plain matrix, and
/// any other conv's interior pixels read one contiguous run per kernel row; only border pixels are
/// copied out by im2col. Output pixels (or, for the few-pixel heads, output-channel panels) are split
/// over the team, each thread with its own im2col scratch. Run-time filters use im2col + `cblas_sgemm`.
struct Conv2DKernel: Sendable {
    let g: ConvGeometry
    let activation: FusedActivation
    /// Rows of im2col built per sgemm call, bounded so the scratch stays cache-friendly.
    let tileRows: Int
    /// Constants-block offsets of the weights and bias repacked for `PackedGemm`, when the filter is constant.
    var packed: (weights: Int, bias: Int)?
    /// Constants-block offset of a fused PRELU's per-channel alpha (packed path only).
    var preluAlpha: Int?
    /// Channels of a fused ADD's other operand [N, OH, OW, residualChannels] (0: none; packed path
    /// only). Channels at and beyond it add zero (a fused channel PAD).
    var residualChannels = 0
    /// Activation applied after the fused ADD.
    var residualActivation = FusedActivation.none

    var isPointwise: Bool {
        g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 && g.padLeft == 0
    }

    var k: Int { g.kernelH * g.kernelW * g.inC }
    var rows: Int { g.batch * g.outH * g.outW }

    init(geometry: ConvGeometry, activation: FusedActivation) {
        g = geometry
        self.activation = activation
        let k = geometry.kernelH * geometry.kernelW * geometry.inC
        tileRows = max(8, min(512, 65536 / max(k, 1)))
    }

    /// Floats of im2col scratch each thread needs.
    var scratchFloats: Int { isPointwise ? 0 : tileRows * k }

    /// Runs the convolution. `packedWeights`/`packedBias` (from `packed`) select the SIMD GEMM;
    /// without them the filter goes to `cblas_sgemm` as stored.
    func run(input: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             packedWeights: UnsafePointer<Float>? = nil, packedBias: UnsafePointer<Float>? = nil,
             preluAlpha: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil,
             output: UnsafeMutablePointer<Float>, scratch: [UnsafeMutablePointer<Float>], team: WorkerTeam) {
        if let packedWeights, let packedBias {
            let gemm = PackedGemm(n: g.outC, k: k, activation: activation, preluAlpha: preluAlpha,
                                  residualChannels: residual == nil ? 0 : residualChannels,
                                  residualActivation: residualActivation)
            runPacked(input: input, weights: packedWeights, bias: packedBias, gemm: gemm, residual: residual,
                      output: output, scratch: scratch, team: team)
            return
        }
        // Run-time filters go to OpenBLAS in one call per im2col tile; OpenBLAS threads it
        // itself, so this path does not split rows (that would oversubscribe the cores).
        runRows(0..<rows, input: input, filter: filter, bias: bias, output: output, scratch: scratch.first)
    }

    private func runPacked(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                           gemm: PackedGemm, residual: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                           scratch: [UnsafeMutablePointer<Float>], team: WorkerTeam) {
        let n = g.outC, k = self.k, rows = self.rows
        let work = isPointwise || scratch.count >= team.threads ? rows * n * k : 0
        let body = { (idx: Int, pixels: Range<Int>, panels: Range<Int>) in
            if isPointwise {
                gemm.run(rows: pixels, panelRange: panels, a: input, layout: .matrix(lda: k, k: k),
                         packed: weights, bias: bias, c: output, residual: residual)
            } else if idx < scratch.count {
                convolve(pixels, panels: panels, gemm: gemm, input: input, weights: weights, bias: bias,
                         residual: residual, output: output, col: scratch[idx])
            }
        }
        if rows < 12 &* team.threads && gemm.panels > 1 {
            // Few output pixels (the heads): split the output channels instead.
            parallelChunks(gemm.panels, team: team, work: work) { idx, panels in body(idx, 0..<rows, panels) }
        } else {
            // Pieces are whole 6-row micro-kernel blocks; each thread has its own im2col scratch.
            parallelChunks(rows, team: team, work: work, align: 6) { idx, pixels in body(idx, pixels, 0..<gemm.panels) }
        }
    }

    /// Output pixels `pixels` (flat N*OH*OW indices), output-channel panels `panels`. Pixels whose
    /// taps are all inside the input read it directly (`PackedGemm.ALayout`, one run per kernel row);
    /// the border ones go through im2col in `col`.
    private func convolve(_ pixels: Range<Int>, panels: Range<Int>, gemm: PackedGemm, input: UnsafePointer<Float>,
                          weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?,
                          output: UnsafeMutablePointer<Float>, col: UnsafeMutablePointer<Float>) {
        let rc = gemm.residualChannels
        let n = g.outC, k = self.k, c = g.inC
        let direct = PackedGemm.ALayout(lda: g.strideW &* c, segments: g.kernelH, segmentLength: g.kernelW &* c,
                                        segmentStride: g.dilationH &* g.inW &* c)
        // Interior columns: every tap of the row in bounds (runs are contiguous only without x dilation).
        var xLo = 0, xHi = g.outW
        if g.dilationW == 1 {
            while xLo < g.outW && xLo &* g.strideW &- g.padLeft < 0 { xLo += 1 }
            while xHi > xLo && (xHi &- 1) &* g.strideW &- g.padLeft &+ g.kernelW > g.inW { xHi -= 1 }
        } else {
            xHi = 0
        }
        func viaIm2col(_ r0: Int, _ r1: Int) {
            var r = r0
            while r < r1 {
                let count = min(tileRows, r1 &- r)
                im2col(input: input, rows: r..<(r &+ count), col: col)
                gemm.run(rows: 0..<count, panelRange: panels, a: col, layout: .matrix(lda: k, k: k),
                         packed: weights, bias: bias, c: output + r &* n, residual: residual.map { $0 + r &* rc })
                r &+= count
            }
        }
        var r = pixels.lowerBound
        while r < pixels.upperBound {
            let imageRow = r / g.outW, x0 = r % g.outW
            let end = min(pixels.upperBound, (imageRow &+ 1) &* g.outW)
            let x1 = x0 &+ (end &- r)
            let b = imageRow / g.outH, oy = imageRow % g.outH
            let iy0 = oy &* g.strideH &- g.padTop
            let rowInside = iy0 >= 0 && iy0 &+ (g.kernelH &- 1) &* g.dilationH < g.inH
            let lo = max(x0, xLo), hi = min(x1, xHi)
            if rowInside && lo < hi {
                viaIm2col(r, r &+ (lo &- x0))
                let a = input + ((b &* g.inH &+ iy0) &* g.inW &+ lo &* g.strideW &- g.padLeft) &* c
                let first = r &+ (lo &- x0)
                gemm.run(rows: 0..<(hi &- lo), panelRange: panels, a: a, layout: direct, packed: weights, bias: bias,
                         c: output + first &* n, residual: residual.map { $0 + first &* rc })
                viaIm2col(r &+ (hi &- x0), end)
            } else {
                viaIm2col(r, end)
            }
            r = end
        }
    }

    private func fillBias(_ out: UnsafeMutablePointer<Float>, rows: Int, bias: UnsafePointer<Float>?) {
        let n = g.outC
        if let bias {
            for r in 0..<rows { (out + r * n).update(from: bias, count: n) }
        } else {
            out.update(repeating: 0, count: rows * n)
        }
    }

    private func runRows(_ range: Range<Int>, input: UnsafePointer<Float>, filter: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                         scratch: UnsafeMutablePointer<Float>?) {
        let n = g.outC, k = self.k
        if isPointwise {
            let out = output + range.lowerBound * n
            fillBias(out, rows: range.count, bias: bias)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(range.count), Int32(n), Int32(k),
                        1, input + range.lowerBound * k, Int32(k), filter, Int32(k), 1, out, Int32(n))
            applyActivation(activation, out, count: range.count * n)
            return
        }
        guard let col = scratch else { return }
        var r0 = range.lowerBound
        while r0 < range.upperBound {
            let count = min(tileRows, range.upperBound - r0)
            im2col(input: input, rows: r0..<(r0 + count), col: col)
            let out = output + r0 * n
            fillBias(out, rows: count, bias: bias)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(n), Int32(k),
                        1, col, Int32(k), filter, Int32(k), 1, out, Int32(n))
            applyActivation(activation, out, count: count * n)
            r0 += count
        }
    }

    /// Writes one im2col row (KH*KW*Cin values, zeros outside the input) per output pixel in `rows`.
    private func im2col(input: UnsafePointer<Float>, rows: Range<Int>, col: UnsafeMutablePointer<Float>) {
        let c = g.inC, k = self.k
        for (j, r) in rows.enumerated() {
            let ox = r % g.outW, oy = (r / g.outW) % g.outH, b = r / (g.outW * g.outH)
            var dst = col + j * k
            let iy0 = oy * g.strideH - g.padTop, ix0 = ox * g.strideW - g.padLeft
            let rowContiguous = g.dilationW == 1 && ix0 >= 0 && ix0 &+ g.kernelW <= g.inW
            for ky in 0..<g.kernelH {
                let iy = iy0 &+ ky &* g.dilationH
                if iy < 0 || iy >= g.inH {
                    dst.update(repeating: 0, count: g.kernelW &* c)
                    dst += g.kernelW &* c
                    continue
                }
                let rowBase = input + ((b &* g.inH &+ iy) &* g.inW) &* c
                if rowContiguous {
                    // The whole kernel row is one contiguous run of KW*Cin floats.
                    copyFloats(from: rowBase + ix0 &* c, to: dst, count: g.kernelW &* c)
                    dst += g.kernelW &* c
                    continue
                }
                for kx in 0..<g.kernelW {
                    let ix = ix0 &+ kx &* g.dilationW
                    if ix < 0 || ix >= g.inW {
                        dst.update(repeating: 0, count: c)
                    } else {
                        copyFloats(from: rowBase + ix &* c, to: dst, count: c)
                    }
                    dst += c
                }
            }
        }
    }
}

/// Copies a short run of floats; a memmove call per few floats costs more than the copy itself.
@inline(__always)
func copyFloats(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    if count >= 64 {
        dst.update(from: src, count: count)
        return
    }
    var i = 0
    while i &+ 8 <= count {
        store8(dst + i, 0, load8(src + i))
        i &+= 8
    }
    while i < count {
        dst[i] = src[i]
        i &+= 1
    }
}
