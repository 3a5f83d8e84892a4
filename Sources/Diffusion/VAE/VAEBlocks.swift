import Neural

/// The VAE mid block's single-head spatial self-attention (diffusers `Attention` built from the old
/// `AttentionBlock`): GroupNorm → q, k, v (with biases) over the HW tokens → to_out → + input.
struct VAEAttention: Sendable {
    let norm: GroupNorm
    let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear
    let channels: Int

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, channels: Int, groups: Int) throws {
        norm = try GroupNorm(s("group_norm"), channels: channels, groups: groups, eps: 1e-6)
        toQ = try Linear(s("to_q"), in: channels, out: channels)
        toK = try Linear(s("to_k"), in: channels, out: channels)
        toV = try Linear(s("to_v"), in: channels, out: channels)
        toOut = try Linear(s("to_out.0"), in: channels, out: channels)
        self.channels = channels
    }

    /// x [N, C, H, W] → same shape. Scores are computed in query chunks (bounded memory at 4096+ tokens).
    func callAsFunction(_ x: Tensor, threads: ComputeThreads) throws -> Tensor {
        let n = x.shape[0], c = channels, hw = x.shape[2] * x.shape[3]
        let normed = try norm(x, silu: false, threads: threads)
        let q = try toQ.tokens(fromChannelsFirst: normed, threads: threads)
        let k = try toK.tokens(fromChannelsFirst: normed, threads: threads)
        let v = try toV.tokens(fromChannelsFirst: normed, threads: threads)
        var o = [Float](repeating: 0, count: n * hw * c)
        o.withUnsafeMutableBufferPointer { op in
            DenseKernels.attention(q: q, qStride: c, k: k, v: v, kvStride: c, out: op.baseAddress!, outStride: c,
                                   batch: n, tq: hw, tk: hw, heads: 1, headDim: c, scale: 1 / Float(c).squareRoot(),
                                   threads: threads)
        }
        var out = x
        try toOut.accumulateChannelsFirst(o, batch: n, spatial: hw, into: &out, threads: threads)
        return out
    }
}

/// `UNetMidBlock2D` of the VAE: ResNet → attention → ResNet (no time embedding).
struct VAEMidBlock: Sendable {
    let resnets: [ResnetBlock2D]
    let attention: VAEAttention?

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, channels: Int, groups: Int, attention: Bool) throws {
        resnets = try (0..<2).map { try ResnetBlock2D(s("resnets.\($0)"), in: channels, out: channels, temb: 0, groups: groups, eps: 1e-6) }
        self.attention = attention ? try VAEAttention(s("attentions.0"), channels: channels, groups: groups) : nil
    }

    /// x [N, C, H, W] → same shape.
    func callAsFunction(_ x: Tensor, threads: ComputeThreads) throws -> Tensor {
        var h = try resnets[0](x, siluTemb: nil, threads: threads)
        if let attention { h = try attention(h, threads: threads) }
        return try resnets[1](h, siluTemb: nil, threads: threads)
    }
}
