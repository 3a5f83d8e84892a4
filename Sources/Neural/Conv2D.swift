import CBLAS

/// CONV_2D.
///   input  [N, H, W, Cin]
///   filter [Cout, KH, KW, Cin]
///   bias   [Cout]
///   output [N, OH, OW, Cout]
/// Computed as output rows (N*OH*OW) × Cout = im2col(input) (rows × KH*KW*Cin) · filterᵀ with `cblas_sgemm`.
/// A 1×1, stride-1, unpadded convolution multiplies the NHWC input directly (no im2col copy).
/// Output rows are split across `threads`; each thread uses its own im2col scratch of `scratchFloats` floats.
struct Conv2DKernel: Sendable {
    let g: ConvGeometry
    let activation: FusedActivation
    /// Rows of im2col built per sgemm call, bounded so the scratch stays cache-friendly.
    let tileRows: Int
    /// Constants-block offsets of the weights and bias repacked for `PackedGemm`, when the filter is constant.
    var packed: (weights: Int, bias: Int)?

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
             output: UnsafeMutablePointer<Float>, scratch: [UnsafeMutablePointer<Float>], threads: Int) {
        if let packedWeights, let packedBias {
            runPacked(input: input, weights: packedWeights, bias: packedBias, output: output, scratch: scratch, threads: threads)
            return
        }
        let n = g.outC, rows = self.rows
        // Small layers are not worth a thread hand-off.
        let work = rows * n * k
        let t = work < 200_000 ? 1 : (isPointwise ? threads : min(threads, scratch.count))
        let minChunk = max(1, isPointwise ? 16 : 4)
        if t == 1 {
            runRows(0..<rows, input: input, filter: filter, bias: bias, output: output, scratch: scratch.first)
            return
        }
        parallelChunks(rows, threads: t, minChunk: minChunk) { idx, range in
            runRows(range, input: input, filter: filter, bias: bias, output: output,
                    scratch: idx < scratch.count ? scratch[idx] : nil)
        }
    }

    private func runPacked(input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                           output: UnsafeMutablePointer<Float>, scratch: [UnsafeMutablePointer<Float>], threads: Int) {
        let n = g.outC, k = self.k, rows = self.rows
        let gemm = PackedGemm(m: rows, n: n, k: k, activation: activation)
        let work = rows * n * k
        let t = work < 150_000 ? 1 : (isPointwise ? threads : min(threads, scratch.count))
        parallelChunks(rows, threads: t, minChunk: 8) { idx, range in
            if isPointwise {
                gemm.run(rows: range, a: input, lda: k, packed: weights, bias: bias, c: output)
                return
            }
            guard idx < scratch.count else { return }
            let col = scratch[idx]
            var r0 = range.lowerBound
            while r0 < range.upperBound {
                let count = min(tileRows, range.upperBound - r0)
                im2col(input: input, rows: r0..<(r0 + count), col: col)
                gemm.run(rows: 0..<count, a: col, lda: k, packed: weights, bias: bias, c: output + r0 * n)
                r0 += count
            }
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
            for ky in 0..<g.kernelH {
                let iy = iy0 + ky * g.dilationH
                if iy < 0 || iy >= g.inH {
                    dst.update(repeating: 0, count: g.kernelW * c)
                    dst += g.kernelW * c
                    continue
                }
                let rowBase = input + ((b * g.inH + iy) * g.inW) * c
                for kx in 0..<g.kernelW {
                    let ix = ix0 + kx * g.dilationW
                    if ix < 0 || ix >= g.inW {
                        dst.update(repeating: 0, count: c)
                    } else {
                        dst.update(from: rowBase + ix * c, count: c)
                    }
                    dst += c
                }
            }
        }
    }
}
