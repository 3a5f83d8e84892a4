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

/// `nn.Linear` (weight [out, in], or [out, in, 1, 1] where a 1×1 conv plays the part), optional bias.
struct Linear: Sendable {
    let weight: Parameter
    let bias: Parameter?
    let inFeatures: Int, outFeatures: Int

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ scope: Scope, in inFeatures: Int, out outFeatures: Int, bias: Bool = true) throws {
        weight = try scope.param("weight", [outFeatures, inFeatures], alternatives: [[outFeatures, inFeatures, 1, 1]])
        self.bias = bias ? try scope.param("bias", [outFeatures]) : nil
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// out [rows, outFeatures] (+)= x [rows, inFeatures] · Wᵀ + bias, where row r of x starts at
    /// `x + r·xStride` (or, with `xTransposed`, x is [inFeatures, rows] so a NCHW sample reads as tokens).
    func apply(_ x: UnsafePointer<Float>, rows: Int, xTransposed: Bool = false, out: UnsafeMutablePointer<Float>,
               accumulate: Bool, threads: ComputeThreads) throws {
        let wv = try weight.load()
        if let bias {
            let b = try bias.load()
            for r in 0..<rows {
                let o = out + r * outFeatures
                if accumulate { for j in 0..<outFeatures { o[j] += b[j] } } else { for j in 0..<outFeatures { o[j] = b[j] } }
            }
        }
        let a = xTransposed ? MatrixOperand(x, rowStride: 1, colStride: rows) : MatrixOperand(x, rowStride: inFeatures)
        wv.withUnsafeBufferPointer { w in
            DenseKernels.gemm(m: rows, n: outFeatures, k: inFeatures, a: a,
                              b: MatrixOperand(w.baseAddress!, rowStride: 1, colStride: inFeatures),
                              c: out, ldc: outFeatures, accumulate: accumulate || bias != nil, threads: threads)
        }
    }

    /// x [rows, in] → [rows, out].
    func callAsFunction(_ x: [Float], rows: Int, threads: ComputeThreads) throws -> [Float] {
        var out = [Float](repeating: 0, count: rows * outFeatures)
        try x.withUnsafeBufferPointer { xp in
            try out.withUnsafeMutableBufferPointer { o in
                try apply(xp.baseAddress!, rows: rows, out: o.baseAddress!, accumulate: false, threads: threads)
            }
        }
        return out
    }
}

/// `nn.GroupNorm(groups, channels, eps)` on NCHW, optionally followed by SiLU.
struct GroupNorm: Sendable {
    let weight: Parameter, bias: Parameter
    let channels: Int, groups: Int, eps: Float

    /// - Throws: `DiffusionError` for a missing or misshapen tensor or channels not divisible by groups.
    init(_ scope: Scope, channels: Int, groups: Int, eps: Float) throws {
        guard groups > 0, channels % groups == 0 else {
            throw DiffusionError.badConfig("\(channels) channels in \(groups) groups at \(scope.prefix)")
        }
        weight = try scope.param("weight", [channels])
        bias = try scope.param("bias", [channels])
        self.channels = channels
        self.groups = groups
        self.eps = eps
    }

    /// x [N, C, H, W] → same shape, normalised (then SiLU when `silu`).
    func callAsFunction(_ x: Tensor, silu: Bool, threads: ComputeThreads) throws -> Tensor {
        let g = try weight.load(), b = try bias.load()
        var out = Tensor(shape: x.shape)
        let spatial = x.count / max(1, x.shape[0] * channels)
        x.data.withUnsafeBufferPointer { xi in
            out.data.withUnsafeMutableBufferPointer { o in
                DenseKernels.groupNorm(xi.baseAddress!, batch: x.shape[0], channels: channels, spatial: spatial,
                                       groups: groups, eps: eps, gamma: g, beta: b, silu: silu,
                                       out: o.baseAddress!, threads: threads)
            }
        }
        return out
    }
}

/// `nn.LayerNorm(dim)` over token rows.
struct LayerNorm: Sendable {
    let weight: Parameter, bias: Parameter
    let dim: Int, eps: Float

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ scope: Scope, dim: Int, eps: Float) throws {
        weight = try scope.param("weight", [dim])
        bias = try scope.param("bias", [dim])
        self.dim = dim
        self.eps = eps
    }

    /// x [rows, dim] → normalised copy.
    func callAsFunction(_ x: [Float], threads: ComputeThreads) throws -> [Float] {
        let g = try weight.load(), b = try bias.load()
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xi in
            out.withUnsafeMutableBufferPointer { o in
                DenseKernels.layerNorm(xi.baseAddress!, rows: x.count / dim, dim: dim, eps: eps, gamma: g, beta: b,
                                       out: o.baseAddress!, threads: threads)
            }
        }
        return out
    }
}
