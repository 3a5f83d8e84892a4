/// Conv of `ONNXGraph` on NCHW tensors [1, C, H, W]:
///   dense     (group 1): stride 1 without pads on the NCHW data as is (`ConstantConv2D`'s planar path);
///             otherwise zero-padded to NHWC, `ConstantConv2D` (packed GEMM), back to NCHW
///   depthwise (group C, weights [C, 1, k, k]): direct, per channel
///   output [1, Cout, (H + pt + pb − k)/s + 1, (W + pl + pr − k)/s + 1]
extension ONNXOps {
    static func convolve(_ x: Tensor, _ p: ONNXGraph.ConvPlan, team: ComputeTeam) throws -> Tensor {
        guard x.shape.count == 4, x.shape[0] == 1 else { throw ONNXError.missing("Conv input [1, C, H, W], got \(x.shape)") }
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let ph = h + p.pads[0] + p.pads[2], pw = w + p.pads[1] + p.pads[3]
        guard ph >= p.kernel, pw >= p.kernel else { throw ONNXError.missing("Conv input \(x.shape) smaller than its kernel \(p.kernel)") }
        let oh = (ph - p.kernel) / p.stride + 1, ow = (pw - p.kernel) / p.stride + 1
        if let dense = p.dense {
            guard dense.inChannels == c else { throw ONNXError.missing("Conv input with \(dense.inChannels) channels, got \(x.shape)") }
            if let phased = p.phased, p.pads == [0, 0, 0, 0] {
                return try phaseConvolve(x, phased, outHeight: oh, outWidth: ow, team: team)
            }
            if dense.planar != nil && p.pads == [0, 0, 0, 0] {
                // NCHW is the planar layout: no transposes.
                var out = try Tensor(shape: [1, dense.outChannels, oh, ow], data: team.array(dense.outChannels * oh * ow))
                try x.data.withUnsafeBufferPointer { src in try out.data.withUnsafeMutableBufferPointer { dst in
                    // The conv only reads its input view.
                    try dense.run(FeatureView(base: UnsafeMutablePointer(mutating: src.baseAddress!), height: h, width: w, channels: c,
                                              layout: .planar),
                                  into: FeatureView(base: dst.baseAddress!, height: oh, width: ow, channels: dense.outChannels, layout: .planar),
                                  team: team)
                }}
                return out
            }
            var nhwc = [Float](repeating: 0, count: ph * pw * c)
            x.data.withUnsafeBufferPointer { s in
                for ch in 0..<c {
                    for y in 0..<h {
                        let src = (ch * h + y) * w, dst = ((y + p.pads[0]) * pw + p.pads[1]) * c + ch
                        for xx in 0..<w { nhwc[dst + xx * c] = s[src + xx] }
                    }
                }
            }
            let y = try dense(Tensor(shape: [1, ph, pw, c], data: nhwc), team: team)
            let oc = dense.outChannels
            var out = [Float](repeating: 0, count: oc * oh * ow)
            y.data.withUnsafeBufferPointer { s in
                for i in 0..<(oh * ow) { for ch in 0..<oc { out[ch * oh * ow + i] = s[i * oc + ch] } }
            }
            return try Tensor(shape: [1, oc, oh, ow], data: out)
        }
        guard let dw = p.depthwise, dw.channels == c else { throw ONNXError.missing("depthwise Conv input with matching channels, got \(x.shape)") }
        let k = p.kernel, s = p.stride, top = p.pads[0], left = p.pads[1]
        var out = [Float](repeating: 0, count: c * oh * ow)
        x.data.withUnsafeBufferPointer { src in
            for ch in 0..<c {
                let b = p.bias?[ch] ?? 0, plane = ch * h * w, wk = ch * k * k
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var acc = b
                        for ky in 0..<k {
                            let iy = oy * s + ky - top
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<k {
                                let ix = ox * s + kx - left
                                if ix < 0 || ix >= w { continue }
                                acc += dw.weights[wk + ky * k + kx] * src[plane + iy * w + ix]
                            }
                        }
                        out[(ch * oh + oy) * ow + ox] = acc
                    }
                }
            }
        }
        return try Tensor(shape: [1, c, oh, ow], data: out)
    }

    /// Weights of a stride-2 k×k conv as a stride-1 ⌈k/2⌉×⌈k/2⌉ conv over 4·Cin phase channels
    /// (channel (2p + q)·Cin + c holds input pixels (2i + p, 2j + q) of channel c): tap (a, b) of phase
    /// (p, q) is the original tap (2a + p, 2b + q), zero where that lies outside the kernel.
    static func phaseWeights(_ w: [Float], out: Int, in cin: Int, kernel k: Int) -> [Float] {
        let h = (k + 1) / 2
        var r = [Float](repeating: 0, count: out * 4 * cin * h * h)
        for o in 0..<out { for p in 0..<2 { for q in 0..<2 { for c in 0..<cin { for a in 0..<h { for b in 0..<h {
            let ky = 2 * a + p, kx = 2 * b + q
            guard ky < k && kx < k else { continue }
            r[(((o * 4 + p * 2 + q) * cin + c) * h + a) * h + b] = w[((o * cin + c) * k + ky) * k + kx]
        }}}}}}
        return r
    }

    /// A stride-2 conv of NCHW `x` by its phase form: the four pixel phases (zero-padded to ⌈H/2⌉ × ⌈W/2⌉)
    /// side by side as 4·C planes, then the planar stride-1 conv. Zero taps add exact zeros, so only the
    /// summation order differs from the direct conv.
    static func phaseConvolve(_ x: Tensor, _ conv: ConstantConv2D, outHeight oh: Int, outWidth ow: Int, team: ComputeTeam) throws -> Tensor {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3], hh = (h + 1) / 2, hw = (w + 1) / 2
        var phases = team.array(4 * c * hh * hw)
        x.data.withUnsafeBufferPointer { s in phases.withUnsafeMutableBufferPointer { d in
            let sp = s.baseAddress!, dp = d.baseAddress!
            parallelChunks(4 * c, team: team.team, work: 4 * c * hh * hw * 2) { _, range in
                for plane in range {
                    let p = plane / (2 * c), q = (plane / c) % 2, ch = plane % c
                    let dst = dp + plane * hh * hw, src = sp + ch * h * w
                    for i in 0..<hh {
                        let y = 2 * i + p, row = dst + i * hw
                        guard y < h else { row.update(repeating: 0, count: hw); continue }
                        for j in 0..<hw { let xx = 2 * j + q; row[j] = xx < w ? src[y * w + xx] : 0 }
                    }
                }
            }
        }}
        let (ph, pw) = conv.outputSize(height: hh, width: hw)
        guard ph == oh, pw == ow else { throw ONNXError.missing("stride-2 conv phases \(ph)×\(pw) for \(oh)×\(ow)") }
        var out = try Tensor(shape: [1, conv.outChannels, oh, ow], data: team.array(conv.outChannels * oh * ow))
        try phases.withUnsafeMutableBufferPointer { src in try out.data.withUnsafeMutableBufferPointer { dst in
            try conv.run(FeatureView(base: src.baseAddress!, height: hh, width: hw, channels: 4 * c, layout: .planar),
                         into: FeatureView(base: dst.baseAddress!, height: oh, width: ow, channels: conv.outChannels, layout: .planar),
                         team: team)
        }}
        team.recycle(phases)
        return out
    }
}
