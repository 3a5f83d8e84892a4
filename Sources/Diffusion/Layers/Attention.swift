import Neural

/// diffusers `Attention` (to_q, to_k, to_v, to_out.0) on token rows, heads packed in the features.
struct Attention: Sendable {
    let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear
    let heads: Int, headDim: Int

    /// `contextDim`: the key/value input width (the query width for self-attention).
    /// `qkvBias`: whether q/k/v carry biases (the VAE's do, the UNet's don't).
    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, queryDim: Int, contextDim: Int, heads: Int, headDim: Int, qkvBias: Bool) throws {
        let inner = heads * headDim
        toQ = try Linear(s("to_q"), in: queryDim, out: inner, bias: qkvBias)
        toK = try Linear(s("to_k"), in: contextDim, out: inner, bias: qkvBias)
        toV = try Linear(s("to_v"), in: contextDim, out: inner, bias: qkvBias)
        toOut = try Linear(s("to_out.0"), in: inner, out: queryDim)
        self.heads = heads
        self.headDim = headDim
    }

    /// residual [batch·tq, queryDim] += to_out(attention(to_q(x), to_k(context), to_v(context))), with
    /// x [batch·tq, queryDim] and context [batch·tk, contextDim] (x itself for self-attention).
    func accumulate(into residual: inout [Float], x: [Float], context: [Float]?, batch: Int,
                    threads: ComputeThreads) throws {
        let tq = x.count / (batch * toQ.inFeatures)
        let ctx = context ?? x
        let tk = ctx.count / (batch * toK.inFeatures)
        let q = try toQ(x, rows: batch * tq, threads: threads)
        let k = try toK(ctx, rows: batch * tk, threads: threads)
        let v = try toV(ctx, rows: batch * tk, threads: threads)
        let inner = heads * headDim
        var o = [Float](repeating: 0, count: batch * tq * inner)
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                v.withUnsafeBufferPointer { vp in
                    o.withUnsafeMutableBufferPointer { op in
                        DenseKernels.attention(q: qp.baseAddress!, qStride: inner, k: kp.baseAddress!, v: vp.baseAddress!,
                                               kvStride: inner, out: op.baseAddress!, outStride: inner, batch: batch,
                                               tq: tq, tk: tk, heads: heads, headDim: headDim,
                                               scale: 1 / Float(headDim).squareRoot(), threads: threads)
                    }
                }
            }
        }
        try o.withUnsafeBufferPointer { op in
            try residual.withUnsafeMutableBufferPointer { r in
                try toOut.apply(op.baseAddress!, rows: batch * tq, out: r.baseAddress!, accumulate: true, threads: threads)
            }
        }
    }
}

/// diffusers `BasicTransformerBlock` as SD uses it: LayerNorm → self-attention (cross-attention when
/// `only_cross_attention`), LayerNorm → cross-attention, LayerNorm → GEGLU feed-forward, each residual.
struct BasicTransformerBlock: Sendable {
    let norm1: LayerNorm, attn1: Attention, norm2: LayerNorm, attn2: Attention, norm3: LayerNorm
    let ffIn: Linear, ffOut: Linear
    let onlyCrossAttention: Bool

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, dim: Int, heads: Int, headDim: Int, crossDim: Int, onlyCrossAttention: Bool) throws {
        norm1 = try LayerNorm(s("norm1"), dim: dim, eps: 1e-5)
        attn1 = try Attention(s("attn1"), queryDim: dim, contextDim: onlyCrossAttention ? crossDim : dim,
                              heads: heads, headDim: headDim, qkvBias: false)
        norm2 = try LayerNorm(s("norm2"), dim: dim, eps: 1e-5)
        attn2 = try Attention(s("attn2"), queryDim: dim, contextDim: crossDim, heads: heads, headDim: headDim, qkvBias: false)
        norm3 = try LayerNorm(s("norm3"), dim: dim, eps: 1e-5)
        ffIn = try Linear(s("ff.net.0.proj"), in: dim, out: dim * 8)
        ffOut = try Linear(s("ff.net.2"), in: dim * 4, out: dim)
        self.onlyCrossAttention = onlyCrossAttention
    }

    /// tokens [batch·T, dim] updated in place; context [batch·S, crossDim].
    func callAsFunction(_ tokens: inout [Float], context: [Float], batch: Int, threads: ComputeThreads) throws {
        var n = try norm1(tokens, threads: threads)
        try attn1.accumulate(into: &tokens, x: n, context: onlyCrossAttention ? context : nil, batch: batch, threads: threads)
        n = try norm2(tokens, threads: threads)
        try attn2.accumulate(into: &tokens, x: n, context: context, batch: batch, threads: threads)
        n = try norm3(tokens, threads: threads)
        let rows = tokens.count / ffOut.outFeatures, hidden = ffOut.inFeatures
        // Feed-forward in row chunks: the GEGLU intermediate [rows, 2·4·dim] is the largest tensor of the block.
        let chunk = max(1, (1 << 22) / (2 * hidden))
        var h = [Float](repeating: 0, count: min(rows, chunk) * 2 * hidden)
        var g = [Float](repeating: 0, count: min(rows, chunk) * hidden)
        var r0 = 0
        while r0 < rows {
            let m = min(chunk, rows - r0)
            try n.withUnsafeBufferPointer { np in
                try h.withUnsafeMutableBufferPointer { hp in
                    try ffIn.apply(np.baseAddress! + r0 * ffIn.inFeatures, rows: m, out: hp.baseAddress!,
                                   accumulate: false, threads: threads)
                    g.withUnsafeMutableBufferPointer { gp in
                        DenseKernels.geglu(hp.baseAddress!, rows: m, dim: hidden, out: gp.baseAddress!, threads: threads)
                    }
                }
            }
            try g.withUnsafeBufferPointer { gp in
                try tokens.withUnsafeMutableBufferPointer { tp in
                    try ffOut.apply(gp.baseAddress!, rows: m, out: tp.baseAddress! + r0 * ffOut.outFeatures,
                                    accumulate: true, threads: threads)
                }
            }
            r0 += m
        }
    }
}
