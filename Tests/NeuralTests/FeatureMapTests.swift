import Testing
@testable import Neural

/// The style-network kernels against direct loops on random data: `ConstantConv2D` on its three paths
/// (packed GEMM, Winograd, planar; row tails not a multiple of 32), the fused instance norm (upsample,
/// reflect pad, residual, both layouts), and `ONNXGraph`'s fast elementwise paths against its general
/// ones. Tolerances: convs 1e-4 relative to the largest output (Winograd 5e-4), norm 1e-4, fast
/// ONNX paths exact (the same arithmetic).
struct FeatureMapTests {
    static func random(_ n: Int, _ rng: inout SplitMix64) -> [Float] { (0..<n).map { _ in Float(rng.below(2001)) / 1000 - 1 } }

    /// VALID conv, input [C, H, W] planar, weights OIHW, output [O, OH, OW] planar.
    static func naiveConv(_ x: [Float], c: Int, h: Int, w: Int, _ wt: [Float], o: Int, k: Int, stride: Int, bias: [Float]) -> [Float] {
        let oh = (h - k) / stride + 1, ow = (w - k) / stride + 1
        var out = [Float](repeating: 0, count: o * oh * ow)
        for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
            var acc = bias[oc]
            for ic in 0..<c { for ky in 0..<k { for kx in 0..<k {
                acc += wt[((oc * c + ic) * k + ky) * k + kx] * x[(ic * h + y * stride + ky) * w + xx * stride + kx]
            }}}
            out[(oc * oh + y) * ow + xx] = acc
        }}}
        return out
    }

    static func nhwc(_ planar: [Float], c: Int, h: Int, w: Int) -> [Float] {
        var out = planar
        for ch in 0..<c { for i in 0..<(h * w) { out[i * c + ch] = planar[ch * h * w + i] } }
        return out
    }

    @Test(arguments: [(3, 8, 9, 1, 41, 37), (8, 3, 9, 1, 40, 45), (32, 32, 3, 1, 22, 35), (16, 8, 3, 1, 20, 70), (32, 16, 3, 2, 21, 19)])
    func constantConvMatchesLoops(_ p: (c: Int, o: Int, k: Int, stride: Int, h: Int, w: Int)) throws {
        var rng = SplitMix64(state: UInt64(p.c * 1000 + p.o * 10 + p.k))
        let x = Self.random(p.c * p.h * p.w, &rng), wt = Self.random(p.o * p.c * p.k * p.k, &rng), b = Self.random(p.o, &rng)
        let ref = Self.naiveConv(x, c: p.c, h: p.h, w: p.w, wt, o: p.o, k: p.k, stride: p.stride, bias: b)
        let scale = max(ref.map(abs).max() ?? 1, 1)
        let team = ComputeTeam(threads: 2)
        let oh = (p.h - p.k) / p.stride + 1, ow = (p.w - p.k) / p.stride + 1
        for winograd in [false, true] {
            let conv = try ConstantConv2D(weightsOIHW: wt, outChannels: p.o, inChannels: p.c, kernel: p.k, stride: p.stride, bias: b,
                                          winograd: winograd)
            let y = try conv(Tensor(shape: [1, p.h, p.w, p.c], data: Self.nhwc(x, c: p.c, h: p.h, w: p.w)), team: team)
            let err = zip(y.data, Self.nhwc(ref, c: p.o, h: oh, w: ow)).map { abs($0 - $1) }.max() ?? 1
            #expect(err <= (winograd && conv.winogradU != nil ? 5e-4 : 1e-4) * scale, "NHWC winograd \(winograd): \(err)")
        }
        guard p.stride == 1 else { return }
        let conv = try ConstantConv2D(weightsOIHW: wt, outChannels: p.o, inChannels: p.c, kernel: p.k, stride: 1, bias: b)
        var input = x, out = [Float](repeating: .nan, count: p.o * oh * ow)
        try input.withUnsafeMutableBufferPointer { xi in try out.withUnsafeMutableBufferPointer { yo in
            try conv.run(FeatureView(base: xi.baseAddress!, height: p.h, width: p.w, channels: p.c, layout: .planar),
                         into: FeatureView(base: yo.baseAddress!, height: oh, width: ow, channels: p.o, layout: .planar), team: team)
        }}
        let err = zip(out, ref).map { abs($0 - $1) }.max() ?? 1
        #expect(err <= 1e-4 * scale, "planar: \(err)")
    }

    /// A stride-2 conv as a stride-1 conv over the four pixel phases (`ONNXOps.phaseConvolve`), even and odd sides.
    @Test(arguments: [(8, 16, 3, 22, 37), (5, 8, 3, 21, 40), (3, 4, 5, 19, 19)])
    func phaseConvMatchesStride2Loops(_ p: (c: Int, o: Int, k: Int, h: Int, w: Int)) throws {
        var rng = SplitMix64(state: UInt64(p.c * 31 + p.h))
        let x = Self.random(p.c * p.h * p.w, &rng), wt = Self.random(p.o * p.c * p.k * p.k, &rng), b = Self.random(p.o, &rng)
        let ref = Self.naiveConv(x, c: p.c, h: p.h, w: p.w, wt, o: p.o, k: p.k, stride: 2, bias: b)
        let conv = try ConstantConv2D(weightsOIHW: ONNXOps.phaseWeights(wt, out: p.o, in: p.c, kernel: p.k), outChannels: p.o,
                                      inChannels: 4 * p.c, kernel: (p.k + 1) / 2, stride: 1, bias: b, winograd: false)
        let oh = (p.h - p.k) / 2 + 1, ow = (p.w - p.k) / 2 + 1
        let y = try ONNXOps.phaseConvolve(Tensor(shape: [1, p.c, p.h, p.w], data: x), conv, outHeight: oh, outWidth: ow,
                                          team: ComputeTeam(threads: 2))
        let err = zip(y.data, ref).map { abs($0 - $1) }.max() ?? 1
        #expect(y.shape == [1, p.o, oh, ow] && err <= 1e-4 * max(ref.map(abs).max() ?? 1, 1), "\(err)")
    }

    /// Reference: normalise channel by channel in Double, then residual, upsample, reflect pad.
    static func naiveNorm(_ x: [Float], c: Int, h: Int, w: Int, scale: [Float], shift: [Float], relu: Bool, residual: [Float]?,
                          up: Int, pad: Int) -> [Float] {
        var y = x
        for ch in 0..<c {
            let v = (0..<(h * w)).map { Double(x[ch * h * w + $0]) }
            let m = v.reduce(0, +) / Double(h * w), s2 = v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(h * w)
            for i in 0..<(h * w) {
                var r = Float(Double(scale[ch]) * (v[i] - m) / (s2 + 1e-5).squareRoot() + Double(shift[ch]))
                if relu { r = max(r, 0) }
                y[ch * h * w + i] = r + (residual?[ch * h * w + i] ?? 0)
            }
        }
        let uh = h * up, uw = w * up, ph = uh + 2 * pad, pw = uw + 2 * pad
        func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i) }
        var out = [Float](repeating: 0, count: c * ph * pw)
        for ch in 0..<c { for oy in 0..<ph { for ox in 0..<pw {
            let sy = reflect(oy - pad, uh) / up, sx = reflect(ox - pad, uw) / up
            out[(ch * ph + oy) * pw + ox] = y[(ch * h + sy) * w + sx]
        }}}
        return out
    }

    @Test(arguments: [(32, false, 1, 1, true), (8, true, 2, 1, false), (3, true, 1, 4, false), (16, false, 2, 1, true)])
    func fusedInstanceNormMatchesLoops(_ p: (c: Int, planarIn: Bool, up: Int, pad: Int, residual: Bool)) throws {
        var rng = SplitMix64(state: UInt64(p.c * 7 + p.up))
        let h = 13, w = 21
        let x = Self.random(p.c * h * w, &rng).map { $0 * 3 + 5 }, r = Self.random(p.c * h * w, &rng)
        let scale = Self.random(p.c, &rng), shift = Self.random(p.c, &rng)
        let ref = Self.naiveNorm(x, c: p.c, h: h, w: w, scale: scale, shift: shift, relu: true, residual: p.residual ? r : nil, up: p.up, pad: p.pad)
        let team = ComputeTeam(threads: 2)
        let ph = h * p.up + 2 * p.pad, pw = w * p.up + 2 * p.pad
        for planarOut in [false, true] {
            var src = p.planarIn ? x : Self.nhwc(x, c: p.c, h: h, w: w), res = p.planarIn ? r : Self.nhwc(r, c: p.c, h: h, w: w)
            src += [Float](repeating: 0, count: 16); res += [Float](repeating: 0, count: 16)
            var out = [Float](repeating: .nan, count: p.c * ph * pw)
            let inLayout: FeatureLayout = p.planarIn ? .planar : .nhwc
            try src.withUnsafeMutableBufferPointer { s in try res.withUnsafeMutableBufferPointer { rr in try out.withUnsafeMutableBufferPointer { o in
                try FeatureMap.instanceNormalize(
                    FeatureView(base: s.baseAddress!, height: h, width: w, channels: p.c, layout: inLayout),
                    into: FeatureView(base: o.baseAddress!, height: h * p.up, width: w * p.up, channels: p.c, pad: p.pad,
                                      layout: planarOut ? .planar : .nhwc),
                    upsample: p.up, scale: scale, shift: shift, epsilon: 1e-5, activation: .relu,
                    residual: p.residual ? FeatureView(base: rr.baseAddress!, height: h, width: w, channels: p.c, layout: inLayout) : nil,
                    team: team)
            }}}
            let expected = planarOut ? ref : Self.nhwc(ref, c: p.c, h: ph, w: pw)
            let err = zip(out, expected).map { abs($0 - $1) }.max() ?? 1
            #expect(err <= 1e-4, "planar out \(planarOut): \(err)")
        }
    }

    @Test func onnxFastPathsMatchGeneralOnes() throws {
        var rng = SplitMix64(state: 11)
        let team = ComputeTeam(threads: 2)
        let a = try Tensor(shape: [1, 5, 9, 37], data: Self.random(5 * 9 * 37, &rng).map { $0 * 20 })
        let b = try Tensor(shape: [1, 5, 9, 37], data: Self.random(5 * 9 * 37, &rng).map { $0 + 2 })
        let ch = try Tensor(shape: [1, 5, 1, 1], data: Self.random(5, &rng).map { $0 + 3 })
        let scalar = try Tensor(shape: [], data: [0.7])
        let pairs: [(Tensor, Tensor)] = [(a, b), (a, ch), (ch, a), (a, scalar), (scalar, a)]
        for (x, y) in pairs {
            for (kind, f) in [(ONNXOps.Binary.add, { (p: Float, q: Float) in p + q }), (.sub, { $0 - $1 }), (.mul, { $0 * $1 }), (.div, { $0 / $1 })] {
                let fast = try #require(ONNXOps.fastBinary(x, y, kind, team: team))
                #expect(fast == (try ONNXOps.binary(x, y, f)), "\(kind) \(x.shape) \(y.shape)")
            }
        }
        // Quantise → dequantise in one pass equals the two general steps (including ties and saturation).
        let ties = try Tensor(shape: [1, 1, 1, 8], data: [0.25, 0.75, -0.25, -1.25, 1e9, -1e9, 31.75, 32.25])
        for x in [a, ties] {
            for (s, z, range) in [(Float(0.5), Float(3), Float(-128)...127), (0.013, 0, 0...255)] {
                let general = x.data.map { (min(max(($0 / s).rounded(.toNearestOrEven) + z, range.lowerBound), range.upperBound) - z) * s }
                let fast = ONNXOps.fakeQuantize(x, quantize: (s, z), range: range, dequantize: (s, z), team: team)
                #expect(fast.data == general)
            }
        }
        let pads = [0, 0, 2, 3, 0, 0, 1, 4]
        #expect(ONNXOps.fastPad(a, pads: pads, reflect: true, team: team) == (try ONNXOps.pad(a, pads: pads, reflect: true, value: 0, mode: "reflect")))
        let mean = try ONNXOps.globalAverage(a), fastMean = try #require(ONNXOps.fastGlobalAverage(a))
        #expect(zip(mean.data, fastMean.data).allSatisfy { abs($0 - $1) <= 1e-6 })
        let up = try #require(ONNXOps.fastResize(a, factors: [1, 1, 2, 2], team: team))
        var same = up.shape == [1, 5, 18, 74]
        for c in 0..<5 { for y in 0..<18 { for x in 0..<74 where up.data[(c * 18 + y) * 74 + x] != a.data[(c * 9 + y / 2) * 37 + x / 2] {
            same = false
        }}}
        #expect(same)
    }
}
