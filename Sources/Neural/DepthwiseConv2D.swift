/// DEPTHWISE_CONV_2D with depth multiplier 1.
///   input  [N, H, W, C]
///   filter [1, KH, KW, C]
///   bias   [C]
///   output [N, OH, OW, C]
/// out[b, oy, ox, c] = bias[c] + Σ_{ky,kx} in[b, oy*sh - padTop + ky*dh, ox*sw - padLeft + kx*dw, c] · filter[ky, kx, c]
/// Vectorised over channels (8 at a time), parallel over output rows.
struct DepthwiseConv2DKernel: Sendable {
    let g: ConvGeometry
    let activation: FusedActivation

    func run(input: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             output: UnsafeMutablePointer<Float>, threads: Int) {
        let rows = g.batch * g.outH
        let work = rows * g.outW * g.outC * g.kernelH * g.kernelW
        let t = work < 100_000 ? 1 : threads
        parallelChunks(rows, threads: t) { _, range in
            for r in range { row(r, input: input, filter: filter, bias: bias, output: output) }
        }
    }

    @inline(__always)
    private func row(_ r: Int, input: UnsafePointer<Float>, filter: UnsafePointer<Float>,
                     bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let c = g.inC, b = r / g.outH, oy = r % g.outH
        let iy0 = oy * g.strideH - g.padTop
        // Valid kernel rows for this output row.
        var kyLo = 0, kyHi = g.kernelH
        while kyLo < kyHi && iy0 + kyLo * g.dilationH < 0 { kyLo += 1 }
        while kyHi > kyLo && iy0 + (kyHi - 1) * g.dilationH >= g.inH { kyHi -= 1 }
        let vecC = c & ~7
        let out = output + r * g.outW * c
        let inBatch = input + b * g.inH * g.inW * c
        for ox in 0..<g.outW {
            let ix0 = ox * g.strideW - g.padLeft
            var kxLo = 0, kxHi = g.kernelW
            while kxLo < kxHi && ix0 + kxLo * g.dilationW < 0 { kxLo += 1 }
            while kxHi > kxLo && ix0 + (kxHi - 1) * g.dilationW >= g.inW { kxHi -= 1 }
            let o = out + ox * c
            var ch = 0
            while ch < vecC {
                var acc = bias.map { loadVec8($0 + ch) } ?? .zero
                for ky in kyLo..<kyHi {
                    let inRow = inBatch + (iy0 + ky * g.dilationH) * g.inW * c + ch
                    let wRow = filter + ky * g.kernelW * c + ch
                    for kx in kxLo..<kxHi {
                        acc += loadVec8(inRow + (ix0 + kx * g.dilationW) * c) * loadVec8(wRow + kx * c)
                    }
                }
                storeVec8(o + ch, activation.apply(acc))
                ch += 8
            }
            while ch < c {
                var acc = bias?[ch] ?? 0
                for ky in kyLo..<kyHi {
                    let inRow = inBatch + (iy0 + ky * g.dilationH) * g.inW * c + ch
                    let wRow = filter + ky * g.kernelW * c + ch
                    for kx in kxLo..<kxHi {
                        acc += inRow[(ix0 + kx * g.dilationW) * c] * wRow[kx * c]
                    }
                }
                o[ch] = activation.apply(acc)
                ch += 1
            }
        }
    }
}
