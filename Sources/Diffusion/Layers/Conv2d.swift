import Neural

/// `nn.Conv2d` with a square kernel: weight [out, in, k, k], bias [out].
struct Conv2d: Sendable {
    let weight: Parameter
    let bias: Parameter?
    let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int

    /// Reads `scope.weight` / `scope.bias`, checking their shapes.
    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ scope: Scope, in inChannels: Int, out outChannels: Int, kernel: Int, stride: Int = 1,
         padding: Int? = nil, bias: Bool = true) throws {
        weight = try scope.param("weight", [outChannels, inChannels, kernel, kernel])
        self.bias = bias ? try scope.param("bias", [outChannels]) : nil
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? kernel / 2
    }

    /// x [N, in, H, W] → [N, out, OH, OW] + `addend` (same shape as the output, e.g. a residual) +
    /// `channelShift` [N, out] (e.g. a time embedding), all fused into the GEMM's initial C.
    func callAsFunction(_ x: Tensor, addend: Tensor? = nil, channelShift: [Float]? = nil,
                        geometry: DenseKernels.ConvShape? = nil, threads: ComputeThreads) throws -> Tensor {
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        guard x.shape[1] == inChannels else {
            throw DiffusionError.badOption("\(weight.name) expects \(inChannels) channels, got \(x.shape)")
        }
        let shape = geometry ?? DenseKernels.ConvShape(channels: inChannels, height: h, width: w,
                                                       outChannels: outChannels, kernel: kernel, stride: stride,
                                                       padding: padding)
        var out = addend ?? Tensor(shape: [n, outChannels, shape.outHeight, shape.outWidth])
        guard out.shape == [n, outChannels, shape.outHeight, shape.outWidth] else {
            throw DiffusionError.badOption("\(weight.name) addend \(out.shape)")
        }
        let b = try bias?.load()
        let pixels = shape.outHeight * shape.outWidth
        if b != nil || channelShift != nil {
            out.data.withUnsafeMutableBufferPointer { o in
                for s in 0..<n {
                    for c in 0..<outChannels {
                        let v = (b?[c] ?? 0) + (channelShift?[s * outChannels + c] ?? 0)
                        let p = o.baseAddress! + (s * outChannels + c) * pixels
                        if addend == nil { p.update(repeating: v, count: pixels) } else { for i in 0..<pixels { p[i] += v } }
                    }
                }
            }
        }
        let wv = try weight.load()
        x.data.withUnsafeBufferPointer { xi in
            wv.withUnsafeBufferPointer { wp in
                out.data.withUnsafeMutableBufferPointer { o in
                    DenseKernels.conv2d(shape, batch: n, input: xi.baseAddress!, weight: wp.baseAddress!,
                                        output: o.baseAddress!, accumulate: true, threads: threads)
                }
            }
        }
        return out
    }
}
