import Imaging

/// DEPTHWISE_CONV_2D with depth multiplier 1.
///   input  [N, H, W, C]
///   filter [1, KH, KW, C]
///   bias   [C]
///   output [N, OH, OW, C]
/// out[b, oy, ox, c] = bias[c] + Σ_{ky,kx} in[b, oy*sh - padTop + ky*dh, ox*sw - padLeft + kx*dw, c] · filter[ky, kx, c]
/// Vectorised over channels (8 at a time, FMA; a last overlapping block covers C % 8); interior pixels go four at a time so four independent
/// accumulator chains hide the FMA latency. Parallel over output rows. Index arithmetic wraps (`&+`, `&*`):
/// every index was bounded by the shape checks at planning time.
struct DepthwiseConv2DKernel: Sendable {
    let g: ConvGeometry
    let activation: FusedActivation

    func run(input: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
             output: UnsafeMutablePointer<Float>, team: WorkerTeam) {
        let rows = g.batch * g.outH
        let work = rows * g.outW * g.outC * g.kernelH * g.kernelW
        // Interior output columns: every tap in bounds.
        var xLo = 0
        while xLo < g.outW && xLo &* g.strideW &- g.padLeft < 0 { xLo += 1 }
        var xHi = g.outW
        while xHi > xLo && (xHi &- 1) &* g.strideW &- g.padLeft &+ (g.kernelW &- 1) &* g.dilationW >= g.inW { xHi -= 1 }
        let interior = xLo..<xHi
        parallelChunks(rows, team: team, work: work) { _, range in
            for r in range {
                row(r, interior: interior, input: input, filter: filter, bias: bias, output: output)
                applyActivation(activation, output + r * g.outW * g.outC, count: g.outW * g.outC)
            }
        }
    }

    @inline(__always)
    private func row(_ r: Int, interior: Range<Int>, input: UnsafePointer<Float>, filter: UnsafePointer<Float>,
                     bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let c = g.inC, b = r / g.outH, oy = r % g.outH
        let iy0 = oy &* g.strideH &- g.padTop
        var kyLo = 0, kyHi = g.kernelH
        while kyLo < kyHi && iy0 &+ kyLo &* g.dilationH < 0 { kyLo += 1 }
        while kyHi > kyLo && iy0 &+ (kyHi &- 1) &* g.dilationH >= g.inH { kyHi -= 1 }
        let out = output + r &* g.outW &* c
        let inBatch = input + b &* g.inH &* g.inW &* c
        let rowStride = g.inW &* c
        let sx = g.strideW &* c, dx = g.dilationW &* c
        // Four interior pixels at a time: per tap one weight load and four FMAs that read the input
        // from memory. Tap pointers advance by increments (no offset tables, few live registers).
        var ox = interior.lowerBound
        if c >= 8 && kyHi > kyLo {
            let kw = g.kernelW
            let rowJump = g.dilationH &* rowStride &- kw &* dx
            let wStart = kyLo &* kw &* c
            // Eight pixels by sixteen channels (zmm): eight independent FMA chains per tap.
            while c >= 16 && ox &+ 8 <= interior.upperBound {
                let ix0 = ox &* g.strideW &- g.padLeft
                let o = out + ox &* c
                let pixelBase: Int = (iy0 &+ kyLo &* g.dilationH) &* rowStride &+ ix0 &* c
                var ch = 0
                while ch < c {
                    // The last block overlaps the previous one when C is not a multiple of 16:
                    // the overlapped channels are recomputed to the same values.
                    if ch &+ 16 > c { ch = c &- 16 }
                    let b0 = bias.map { load16($0 + ch) } ?? SIMD16<Float>()
                    var a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0, a7 = b0
                    var q = inBatch + (pixelBase &+ ch), w = filter + (wStart &+ ch)
                    for _ in kyLo..<kyHi {
                        for _ in 0..<kw {
                            let wv = load16(w)
                            a0 = a0.addingProduct(load16(q), wv)
                            a1 = a1.addingProduct(load16(q + sx), wv)
                            a2 = a2.addingProduct(load16(q + 2 &* sx), wv)
                            a3 = a3.addingProduct(load16(q + 3 &* sx), wv)
                            a4 = a4.addingProduct(load16(q + 4 &* sx), wv)
                            a5 = a5.addingProduct(load16(q + 5 &* sx), wv)
                            a6 = a6.addingProduct(load16(q + 6 &* sx), wv)
                            a7 = a7.addingProduct(load16(q + 7 &* sx), wv)
                            q += dx
                            w += c
                        }
                        q += rowJump
                    }
                    store16(o + ch, 0, a0)
                    store16(o + c + ch, 0, a1)
                    store16(o + 2 &* c + ch, 0, a2)
                    store16(o + 3 &* c + ch, 0, a3)
                    store16(o + 4 &* c + ch, 0, a4)
                    store16(o + 5 &* c + ch, 0, a5)
                    store16(o + 6 &* c + ch, 0, a6)
                    store16(o + 7 &* c + ch, 0, a7)
                    ch &+= 16
                }
                ox &+= 8
            }
            while ox &+ 4 <= interior.upperBound {
                let ix0 = ox &* g.strideW &- g.padLeft
                let o = out + ox &* c
                let pixelBase: Int = (iy0 &+ kyLo &* g.dilationH) &* rowStride &+ ix0 &* c
                var ch = 0
                // Sixteen channels per pass when C allows: eight independent accumulators hide the
                // FMA latency (four would leave each tap loop waiting on its own chain).
                while c >= 16 && ch < c {
                    // The last block overlaps the previous one when C is not a multiple of 16:
                    // the overlapped channels are recomputed to the same values.
                    if ch &+ 16 > c { ch = c &- 16 }
                    let b0 = bias.map { load8($0 + ch) } ?? SIMD8<Float>()
                    let b1 = bias.map { load8($0 + ch + 8) } ?? SIMD8<Float>()
                    var a0 = b0, a1 = b0, a2 = b0, a3 = b0, e0 = b1, e1 = b1, e2 = b1, e3 = b1
                    var q = inBatch + (pixelBase &+ ch), w = filter + (wStart &+ ch)
                    for _ in kyLo..<kyHi {
                        for _ in 0..<kw {
                            let wv = load8(w), wu = load8(w + 8)
                            a0 = a0.addingProduct(load8(q), wv)
                            e0 = e0.addingProduct(load8(q + 8), wu)
                            a1 = a1.addingProduct(load8(q + sx), wv)
                            e1 = e1.addingProduct(load8(q + sx + 8), wu)
                            a2 = a2.addingProduct(load8(q + 2 &* sx), wv)
                            e2 = e2.addingProduct(load8(q + 2 &* sx + 8), wu)
                            a3 = a3.addingProduct(load8(q + 3 &* sx), wv)
                            e3 = e3.addingProduct(load8(q + 3 &* sx + 8), wu)
                            q += dx
                            w += c
                        }
                        q += rowJump
                    }
                    store8(o + ch, 0, a0)
                    store8(o + ch + 8, 0, e0)
                    store8(o + c + ch, 0, a1)
                    store8(o + c + ch + 8, 0, e1)
                    store8(o + 2 &* c + ch, 0, a2)
                    store8(o + 2 &* c + ch + 8, 0, e2)
                    store8(o + 3 &* c + ch, 0, a3)
                    store8(o + 3 &* c + ch + 8, 0, e3)
                    ch &+= 16
                }
                while ch < c {
                    // The last block overlaps the previous one when C is not a multiple of 8.
                    if ch &+ 8 > c { ch = c &- 8 }
                    let b0 = bias.map { load8($0 + ch) } ?? SIMD8<Float>()
                    var a0 = b0, a1 = b0, a2 = b0, a3 = b0
                    var q = inBatch + (pixelBase &+ ch), w = filter + (wStart &+ ch)
                    for _ in kyLo..<kyHi {
                        for _ in 0..<kw {
                            let wv = load8(w)
                            a0 = a0.addingProduct(load8(q), wv)
                            a1 = a1.addingProduct(load8(q + sx), wv)
                            a2 = a2.addingProduct(load8(q + 2 &* sx), wv)
                            a3 = a3.addingProduct(load8(q + 3 &* sx), wv)
                            q += dx
                            w += c
                        }
                        q += rowJump
                    }
                    store8(o + ch, 0, a0)
                    store8(o + c + ch, 0, a1)
                    store8(o + 2 &* c + ch, 0, a2)
                    store8(o + 3 &* c + ch, 0, a3)
                    ch &+= 8
                }
                ox &+= 4
            }
        }
        for x in 0..<g.outW where x < interior.lowerBound || x >= ox {
            pixel(x, iy0: iy0, kyLo: kyLo, kyHi: kyHi, inBatch: inBatch, filter: filter, bias: bias, out: out)
        }
    }

    /// One output pixel, all channels, with per-tap bounds.
    @inline(__always)
    private func pixel(_ ox: Int, iy0: Int, kyLo: Int, kyHi: Int, inBatch: UnsafePointer<Float>,
                       filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let c = g.inC
        let ix0 = ox &* g.strideW &- g.padLeft
        var kxLo = 0, kxHi = g.kernelW
        while kxLo < kxHi && ix0 &+ kxLo &* g.dilationW < 0 { kxLo += 1 }
        while kxHi > kxLo && ix0 &+ (kxHi &- 1) &* g.dilationW >= g.inW { kxHi -= 1 }
        let o = out + ox &* c
        var ch = 0
        while c >= 8 && ch < c {
            if ch &+ 8 > c { ch = c &- 8 }
            var acc = bias.map { load8($0 + ch) } ?? SIMD8<Float>()
            for ky in kyLo..<kyHi {
                let iy: Int = iy0 &+ ky &* g.dilationH
                let inOffset: Int = iy &* g.inW &* c &+ ch
                let wOffset: Int = ky &* g.kernelW &* c &+ ch
                let inRow = inBatch + inOffset
                let wRow = filter + wOffset
                for kx in kxLo..<kxHi {
                    acc = acc.addingProduct(load8(inRow + (ix0 &+ kx &* g.dilationW) &* c), load8(wRow + kx &* c))
                }
            }
            store8(o + ch, 0, acc)
            ch &+= 8
        }
        if ch < c { pixelTail(ox, from: ch, iy0: iy0, kyLo: kyLo, kyHi: kyHi, inBatch: inBatch, filter: filter, bias: bias, out: out) }
    }

    /// Channels `from..<C` of one output pixel, scalar.
    private func pixelTail(_ ox: Int, from: Int, iy0: Int, kyLo: Int, kyHi: Int, inBatch: UnsafePointer<Float>,
                           filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let c = g.inC
        let ix0 = ox &* g.strideW &- g.padLeft
        var kxLo = 0, kxHi = g.kernelW
        while kxLo < kxHi && ix0 &+ kxLo &* g.dilationW < 0 { kxLo += 1 }
        while kxHi > kxLo && ix0 &+ (kxHi &- 1) &* g.dilationW >= g.inW { kxHi -= 1 }
        for ch in from..<c {
            var acc = bias?[ch] ?? 0
            for ky in kyLo..<kyHi {
                let iy: Int = iy0 &+ ky &* g.dilationH
                let inOffset: Int = iy &* g.inW &* c &+ ch
                let wOffset: Int = ky &* g.kernelW &* c &+ ch
                let inRow = inBatch + inOffset
                let wRow = filter + wOffset
                for kx in kxLo..<kxHi { acc += inRow[(ix0 &+ kx &* g.dilationW) &* c] * wRow[kx &* c] }
            }
            out[ox &* c &+ ch] = acc
        }
    }
}
