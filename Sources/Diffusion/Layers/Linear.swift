import Neural

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

    /// x [N, inFeatures, spatial] (NCHW) → tokens [N·spatial, outFeatures] (+ bias): each sample is read as
    /// a transposed token matrix, so no layout copy is made.
    func tokens(fromChannelsFirst x: Tensor, threads: ComputeThreads) throws -> [Float] {
        let n = x.shape[0], hw = x.count / max(1, n * inFeatures)
        var t = [Float](repeating: 0, count: n * hw * outFeatures)
        try x.data.withUnsafeBufferPointer { xp in
            try t.withUnsafeMutableBufferPointer { tp in
                for s in 0..<n {
                    try apply(xp.baseAddress! + s * inFeatures * hw, rows: hw, xTransposed: true,
                              out: tp.baseAddress! + s * hw * outFeatures, accumulate: false, threads: threads)
                }
            }
        }
        return t
    }

    /// out [N, outFeatures, spatial] (NCHW) += bias + W · tokensᵀ per sample, tokens [N·spatial, inFeatures]:
    /// the projection back from token rows writes channel-first directly (no transpose), onto a residual.
    func accumulateChannelsFirst(_ tokens: [Float], batch: Int, spatial hw: Int, into out: inout Tensor,
                                 threads: ComputeThreads) throws {
        let w = try weight.load(), b = try bias?.load()
        let c = outFeatures, k = inFeatures
        out.data.withUnsafeMutableBufferPointer { op in
            if let b {
                for s in 0..<batch { for ch in 0..<c { let p = op.baseAddress! + (s * c + ch) * hw; for i in 0..<hw { p[i] += b[ch] } } }
            }
            w.withUnsafeBufferPointer { wp in
                tokens.withUnsafeBufferPointer { tp in
                    for s in 0..<batch {
                        DenseKernels.gemm(m: c, n: hw, k: k, a: MatrixOperand(wp.baseAddress!, rowStride: k),
                                          b: MatrixOperand(tp.baseAddress! + s * hw * k, rowStride: 1, colStride: k),
                                          c: op.baseAddress! + s * c * hw, ldc: hw, accumulate: true, threads: threads)
                    }
                }
            }
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
