/// Direct stride-1 convolution of planar feature maps, vectorised along the pixels, eight (or four)
/// output channels at a time. The NHWC GEMM pads Cout to its 16-wide panels, so a 4→3 9×9 layer wasted 13 of
/// every 16 multiply-adds there; here each input vector of 32 pixels feeds 4 output channels. It also
/// runs NCHW graphs (`ONNXGraph`) without layout changes.
///   input  [Cin, H, W] (H, W the stored extent, read VALID)
///   weight [Cout, Cin, k, k], repacked to [⌈Cout/G⌉][Cin][k][k][G], G = `groupWidth` (missing outputs zero)
///   output [Cout, H − k + 1, W − k + 1]
/// A row's last, partial 32-pixel step reads its input through a zero-padded copy, so nothing is read
/// past the input.
struct PlanarConv: Sendable {
    let outC: Int, inC: Int, k: Int
    /// Output channels per pass: 8 (sixteen accumulators, two input loads per sixteen FMAs) when there
    /// are at least 8, else 4.
    let groupWidth: Int
    let weights: [Float]
    let bias: [Float]

    init(weightsOIHW w: [Float], outChannels: Int, inChannels: Int, kernel: Int, bias: [Float]?) {
        outC = outChannels; inC = inChannels; k = kernel
        let gw = outChannels >= 8 ? 8 : 4
        groupWidth = gw
        let groups = (outChannels + gw - 1) / gw
        var packed = [Float](repeating: 0, count: groups * inChannels * kernel * kernel * gw)
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for t in 0..<(kernel * kernel) {
                    packed[(((o / gw) * inChannels + i) * kernel * kernel + t) * gw + o % gw] = w[(o * inChannels + i) * kernel * kernel + t]
                }
            }
        }
        weights = packed
        self.bias = bias ?? [Float](repeating: 0, count: outChannels)
    }

    func run(input: UnsafePointer<Float>, height h: Int, width w: Int, output: UnsafeMutablePointer<Float>, team: WorkerTeam) {
        let oh = h - k + 1, ow = w - k + 1, groups = (outC + groupWidth - 1) / groupWidth
        weights.withUnsafeBufferPointer { wp in
            let wBase = wp.baseAddress!
            parallelChunks(oh * groups, team: team, work: oh * ow * 4 * inC * k * k) { _, range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 32 + inC * k * (32 + k)) { tmp in
                    let t = tmp.baseAddress!
                    for job in range {
                        let g = job / oh, oy = job % oh
                        if groupWidth == 8 {
                            row8(input: input, width: w, oy: oy, ow: ow, outRows: oh, group: g, weights: wBase, output: output,
                                 tmp: t, tmpIn: t + 32)
                        } else {
                            row(input: input, width: w, oy: oy, ow: ow, outRows: oh, group: g, weights: wBase, output: output,
                                tmp: t, tmpIn: t + 32)
                        }
                    }
                }
            }
        }
    }

    /// Input rows of the 32-pixel step at `x0` (`n` valid outputs): the input itself, or for a partial
    /// step a zero-padded copy in `tmpIn`. Returns the first row and the channel and kernel-row strides.
    @inline(__always)
    private func stepInput(_ input: UnsafePointer<Float>, height h: Int, width w: Int, oy: Int, x0: Int, n: Int,
                           tmpIn: UnsafeMutablePointer<Float>) -> (UnsafePointer<Float>, Int, Int) {
        guard n < 32 else { return (input + oy * w + x0, h * w, w) }
        let span = 32 + k, avail = w - x0
        for ci in 0..<inC {
            for ky in 0..<k {
                let d = tmpIn + (ci * k + ky) * span
                d.update(from: input + (ci * h + oy + ky) * w + x0, count: avail)
                d.advanced(by: avail).update(repeating: 0, count: span - avail)
            }
        }
        return (UnsafePointer(tmpIn), k * span, span)
    }

    /// Stores the first `count` of 32 outputs.
    @inline(__always)
    private func store(_ lo: SIMD16<Float>, _ hi: SIMD16<Float>, to dst: UnsafeMutablePointer<Float>, count: Int,
                       tmp: UnsafeMutablePointer<Float>) {
        if count == 32 {
            store16(dst, lo); store16(dst + 16, hi)
        } else {
            store16(tmp, lo); store16(tmp + 16, hi)
            dst.update(from: tmp, count: count)
        }
    }

    @inline(__always)
    private func row(input: UnsafePointer<Float>, width w: Int, oy: Int, ow: Int, outRows oh: Int, group g: Int,
                     weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, tmp: UnsafeMutablePointer<Float>,
                     tmpIn: UnsafeMutablePointer<Float>) {
        let h = oh + k - 1, kk = k * k
        let wg = weights + g * inC * kk * 4
        let o0 = g * 4, valid = min(4, outC - o0)
        var b = SIMD4<Float>(repeating: 0)
        for j in 0..<valid { b[j] = bias[o0 + j] }
        var x0 = 0
        while x0 < ow {
            let n = min(32, ow - x0)
            let (base, ciStride, kyStride) = stepInput(input, height: h, width: w, oy: oy, x0: x0, n: n, tmpIn: tmpIn)
            var a0 = SIMD16<Float>(repeating: b[0]), a1 = SIMD16<Float>(repeating: b[1])
            var a2 = SIMD16<Float>(repeating: b[2]), a3 = SIMD16<Float>(repeating: b[3])
            var c0 = a0, c1 = a1, c2 = a2, c3 = a3
            for ci in 0..<inC {
                let rowBase = base + ci * ciStride
                var wt = wg + ci * kk * 4
                for ky in 0..<k {
                    let r = rowBase + ky * kyStride
                    for kx in 0..<k {
                        let v = load16(r + kx), u = load16(r + kx + 16)
                        let w0 = SIMD16<Float>(repeating: wt[0]), w1 = SIMD16<Float>(repeating: wt[1])
                        let w2 = SIMD16<Float>(repeating: wt[2]), w3 = SIMD16<Float>(repeating: wt[3])
                        a0 = a0.addingProduct(w0, v); c0 = c0.addingProduct(w0, u)
                        a1 = a1.addingProduct(w1, v); c1 = c1.addingProduct(w1, u)
                        a2 = a2.addingProduct(w2, v); c2 = c2.addingProduct(w2, u)
                        a3 = a3.addingProduct(w3, v); c3 = c3.addingProduct(w3, u)
                        wt += 4
                    }
                }
            }
            @inline(__always) func put(_ j: Int, _ lo: SIMD16<Float>, _ hi: SIMD16<Float>) {
                if j < valid { store(lo, hi, to: output + ((o0 + j) * oh + oy) * ow + x0, count: n, tmp: tmp) }
            }
            put(0, a0, c0); put(1, a1, c1); put(2, a2, c2); put(3, a3, c3)
            x0 += 32
        }
    }

    /// `row` with eight outputs (sixteen accumulators); written out separately so that every
    /// accumulator of both stays in a register.
    @inline(__always)
    private func row8(input: UnsafePointer<Float>, width w: Int, oy: Int, ow: Int, outRows oh: Int, group g: Int,
                     weights: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, tmp: UnsafeMutablePointer<Float>,
                     tmpIn: UnsafeMutablePointer<Float>) {
        let h = oh + k - 1, kk = k * k
        let wg = weights + g * inC * kk * 8
        let o0 = g * 8, valid = min(8, outC - o0)
        var b = SIMD8<Float>(repeating: 0)
        for j in 0..<valid { b[j] = bias[o0 + j] }
        var x0 = 0
        while x0 < ow {
            let n = min(32, ow - x0)
            let (base, ciStride, kyStride) = stepInput(input, height: h, width: w, oy: oy, x0: x0, n: n, tmpIn: tmpIn)
            var a0 = SIMD16<Float>(repeating: b[0]), a1 = SIMD16<Float>(repeating: b[1])
            var a2 = SIMD16<Float>(repeating: b[2]), a3 = SIMD16<Float>(repeating: b[3])
            var a4 = SIMD16<Float>(repeating: b[4]), a5 = SIMD16<Float>(repeating: b[5])
            var a6 = SIMD16<Float>(repeating: b[6]), a7 = SIMD16<Float>(repeating: b[7])
            var c0 = a0, c1 = a1, c2 = a2, c3 = a3, c4 = a4, c5 = a5, c6 = a6, c7 = a7
            for ci in 0..<inC {
                let rowBase = base + ci * ciStride
                var wt = wg + ci * kk * 8
                for ky in 0..<k {
                    let r = rowBase + ky * kyStride
                    for kx in 0..<k {
                        let v = load16(r + kx), u = load16(r + kx + 16)
                        let w0 = SIMD16<Float>(repeating: wt[0]), w1 = SIMD16<Float>(repeating: wt[1])
                        let w2 = SIMD16<Float>(repeating: wt[2]), w3 = SIMD16<Float>(repeating: wt[3])
                        a0 = a0.addingProduct(w0, v); c0 = c0.addingProduct(w0, u)
                        a1 = a1.addingProduct(w1, v); c1 = c1.addingProduct(w1, u)
                        a2 = a2.addingProduct(w2, v); c2 = c2.addingProduct(w2, u)
                        a3 = a3.addingProduct(w3, v); c3 = c3.addingProduct(w3, u)
                        let w4 = SIMD16<Float>(repeating: wt[4]), w5 = SIMD16<Float>(repeating: wt[5])
                        let w6 = SIMD16<Float>(repeating: wt[6]), w7 = SIMD16<Float>(repeating: wt[7])
                        a4 = a4.addingProduct(w4, v); c4 = c4.addingProduct(w4, u)
                        a5 = a5.addingProduct(w5, v); c5 = c5.addingProduct(w5, u)
                        a6 = a6.addingProduct(w6, v); c6 = c6.addingProduct(w6, u)
                        a7 = a7.addingProduct(w7, v); c7 = c7.addingProduct(w7, u)
                        wt += 8
                    }
                }
            }
            @inline(__always) func put(_ j: Int, _ lo: SIMD16<Float>, _ hi: SIMD16<Float>) {
                if j < valid { store(lo, hi, to: output + ((o0 + j) * oh + oy) * ow + x0, count: n, tmp: tmp) }
            }
            put(0, a0, c0); put(1, a1, c1); put(2, a2, c2); put(3, a3, c3)
            put(4, a4, c4); put(5, a5, c5); put(6, a6, c6); put(7, a7, c7)
            x0 += 32
        }
    }
}

@inline(__always)
func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }

@inline(__always)
func store16(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self) }
