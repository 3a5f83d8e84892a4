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
}
