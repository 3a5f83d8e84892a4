import Testing
@testable import Neural

/// Kernels against naive loop references on random data, covering paths the model parity tests miss
/// (dilation, channel tails, align_corners, broadcasting). Tolerance: 1e-4 max abs error.
struct KernelTests {
    static func random(_ n: Int, _ rng: inout SplitMix64) -> [Float] {
        (0..<n).map { _ in Float(rng.below(2001)) / 1000 - 1 }
    }

    static func geometry(h: Int, w: Int, c: Int, oc: Int, k: Int, stride: Int, dilation: Int, padding: PaddingMode) throws -> ConvGeometry {
        let (oh, pt) = try ConvGeometry.axis(input: h, kernel: k, stride: stride, dilation: dilation, padding: padding)
        let (ow, pl) = try ConvGeometry.axis(input: w, kernel: k, stride: stride, dilation: dilation, padding: padding)
        return ConvGeometry(batch: 1, inH: h, inW: w, inC: c, outH: oh, outW: ow, outC: oc, kernelH: k, kernelW: k,
                            strideH: stride, strideW: stride, dilationH: dilation, dilationW: dilation, padTop: pt, padLeft: pl)
    }

    /// Direct convolution; `depthwise` uses filter [1, K, K, C].
    static func naiveConv(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ b: [Float], depthwise: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: g.outH * g.outW * g.outC)
        for oy in 0..<g.outH { for ox in 0..<g.outW { for o in 0..<g.outC {
            var acc = b[o]
            for ky in 0..<g.kernelH { for kx in 0..<g.kernelW {
                let iy = oy * g.strideH - g.padTop + ky * g.dilationH, ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                guard iy >= 0, iy < g.inH, ix >= 0, ix < g.inW else { continue }
                if depthwise {
                    acc += x[(iy * g.inW + ix) * g.inC + o] * w[(ky * g.kernelW + kx) * g.outC + o]
                } else {
                    for i in 0..<g.inC { acc += x[(iy * g.inW + ix) * g.inC + i] * w[((o * g.kernelH + ky) * g.kernelW + kx) * g.inC + i] }
                }
            }}
            out[(oy * g.outW + ox) * g.outC + o] = max(acc, 0)
        }}}
        return out
    }

    static func maxErr(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } }

    @Test(arguments: [(3, 1, 1, PaddingMode.same), (3, 2, 1, .same), (5, 2, 1, .valid), (3, 1, 2, .same), (1, 1, 1, .valid), (1, 2, 1, .same)])
    func conv2DMatchesDirectLoops(k: Int, stride: Int, dilation: Int, padding: PaddingMode) throws {
        var rng = SplitMix64(state: UInt64(k * 100 + stride * 10 + dilation))
        let g = try Self.geometry(h: 23, w: 19, c: 13, oc: 21, k: k, stride: stride, dilation: dilation, padding: padding)
        let x = Self.random(23 * 19 * 13, &rng), w = Self.random(21 * k * k * 13, &rng), b = Self.random(21, &rng)
        let kernel = Conv2DKernel(geometry: g, activation: .relu)
        let scratch = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(kernel.scratchFloats, 1)) }
        defer { scratch.forEach { $0.deallocate() } }
        for threads in [1, 2] {
            let team = WorkerTeam(threads: threads)
            var out = [Float](repeating: .nan, count: g.outH * g.outW * g.outC)
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in b.withUnsafeBufferPointer { bp in
                out.withUnsafeMutableBufferPointer { op in
                    kernel.run(input: xp.baseAddress!, filter: wp.baseAddress!, bias: bp.baseAddress!,
                               output: op.baseAddress!, scratch: scratch, team: team)
                }}}}
            #expect(Self.maxErr(out, Self.naiveConv(g, x, w, b, depthwise: false)) < 1e-4)
            // The SIMD GEMM path with repacked weights (16-wide block plus a 5-wide narrow block).
            let packedW = PackedGemm.pack(filter: w[...], n: 21, k: k * k * 13)
            let packedB = PackedGemm.paddedBias(b[...], n: 21)
            var out2 = [Float](repeating: .nan, count: out.count)
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in
                packedW.withUnsafeBufferPointer { pw in packedB.withUnsafeBufferPointer { pb in
                    out2.withUnsafeMutableBufferPointer { op in
                        kernel.run(input: xp.baseAddress!, filter: wp.baseAddress!, bias: nil,
                                   packedWeights: pw.baseAddress!, packedBias: pb.baseAddress!,
                                   output: op.baseAddress!, scratch: scratch, team: team)
                    }}}}}
            #expect(Self.maxErr(out2, Self.naiveConv(g, x, w, b, depthwise: false)) < 1e-4)
        }
    }

    @Test(arguments: [(3, 1, 1, PaddingMode.same), (3, 2, 1, .same), (5, 1, 1, .valid), (3, 1, 3, .same)])
    func depthwiseMatchesDirectLoops(k: Int, stride: Int, dilation: Int, padding: PaddingMode) throws {
        var rng = SplitMix64(state: UInt64(7 + k * 100 + stride * 10 + dilation))
        let c = 21 // 2 SIMD8 blocks plus a 5-channel tail
        let g = try Self.geometry(h: 17, w: 22, c: c, oc: c, k: k, stride: stride, dilation: dilation, padding: padding)
        let x = Self.random(17 * 22 * c, &rng), w = Self.random(k * k * c, &rng), b = Self.random(c, &rng)
        var out = [Float](repeating: .nan, count: g.outH * g.outW * c)
        x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in b.withUnsafeBufferPointer { bp in
            out.withUnsafeMutableBufferPointer { op in
                DepthwiseConv2DKernel(g: g, activation: .relu).run(input: xp.baseAddress!, filter: wp.baseAddress!,
                                                                    bias: bp.baseAddress!, output: op.baseAddress!, team: WorkerTeam(threads: 2))
            }}}}
        #expect(Self.maxErr(out, Self.naiveConv(g, x, w, b, depthwise: true)) < 1e-4)
    }

    @Test(arguments: [(false, false), (true, false), (false, true)])
    func resizeBilinearMatchesFormula(align: Bool, half: Bool) {
        var rng = SplitMix64(state: 99)
        let (h, w, c, oh, ow) = (5, 4, 3, 9, 7)
        let x = Self.random(h * w * c, &rng)
        var out = [Float](repeating: .nan, count: oh * ow * c)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
            ResizeBilinearKernel(batch: 1, inH: h, inW: w, c: c, outH: oh, outW: ow, alignCorners: align, halfPixelCenters: half)
                .run(input: xp.baseAddress!, output: op.baseAddress!, team: WorkerTeam(threads: 1))
        }}
        func src(_ d: Int, _ n: Int, _ o: Int) -> Double {
            let scale = align ? Double(n - 1) / Double(o - 1) : Double(n) / Double(o)
            return half ? (Double(d) + 0.5) * scale - 0.5 : Double(d) * scale
        }
        for oy in 0..<oh { for ox in 0..<ow { for ch in 0..<c {
            // Clamp-to-edge bilinear interpolation at the source position.
            let sy = min(max(src(oy, h, oh), 0), Double(h - 1)), sx = min(max(src(ox, w, ow), 0), Double(w - 1))
            let y0 = Int(sy), x0 = Int(sx), y1 = min(y0 + 1, h - 1), x1 = min(x0 + 1, w - 1)
            let dy = sy - Double(y0), dx = sx - Double(x0)
            func v(_ yy: Int, _ xx: Int) -> Double { Double(x[(yy * w + xx) * c + ch]) }
            let e = v(y0, x0) * (1 - dy) * (1 - dx) + v(y0, x1) * (1 - dy) * dx + v(y1, x0) * dy * (1 - dx) + v(y1, x1) * dy * dx
            #expect(abs(Double(out[(oy * ow + ox) * c + ch]) - e) < 1e-5)
        }}}
    }

    @Test func addBroadcastPreluPadConcat() {
        var rng = SplitMix64(state: 5)
        let a = Self.random(4 * 6, &rng), bias = Self.random(6, &rng)
        var out = [Float](repeating: 0, count: 24)
        addKernel(a, count: 24, bias, bCount: 6, &out, activation: .relu6, team: WorkerTeam(threads: 2))
        #expect(out == (0..<24).map { min(max(a[$0] + bias[$0 % 6], 0), 6) })
        preluKernel(a, count: 24, alpha: bias, alphaCount: 6, &out, team: nil)
        #expect(out == (0..<24).map { a[$0] < 0 ? a[$0] * bias[$0 % 6] : a[$0] })
        // PAD [1,2,2,2] by channel (0,0)(0,1)(1,0)(0,3) -> [1,3,3,5]
        let x: [Float] = (1...8).map(Float.init)
        var padded = [Float](repeating: .nan, count: 45)
        PadKernel(inDims: [1, 2, 2, 2], before: [0, 0, 1, 0], outDims: [1, 3, 3, 5]).run(input: x, output: &padded)
        #expect(padded[((0 * 3 + 1) * 5) + 0] == 1 && padded[((1 * 3 + 2) * 5) + 1] == 8)
        #expect(padded.reduce(0, +) == 36 && !padded.contains { $0.isNaN })
        // CONCATENATION of [2,1,2] and [2,2,2] on axis 1.
        let p: [Float] = [1, 2, 3, 4], q: [Float] = [5, 6, 7, 8, 9, 10, 11, 12]
        var cat = [Float](repeating: 0, count: 12)
        p.withUnsafeBufferPointer { pp in q.withUnsafeBufferPointer { qp in
            ConcatenationKernel(outer: 2, blocks: [2, 4], activation: .none)
                .run(inputs: [pp.baseAddress!, qp.baseAddress!], output: &cat)
        }}
        #expect(cat == [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12])
    }
}
