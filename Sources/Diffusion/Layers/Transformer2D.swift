import Neural

/// diffusers `Transformer2DModel` (continuous input): GroupNorm(eps 1e-6) → proj_in (1×1 conv or, with
/// `use_linear_projection`, linear) → transformer blocks on tokens [N·HW, inner] → proj_out → + input.
struct Transformer2D: Sendable {
    let norm: GroupNorm
    let projIn: Linear, projOut: Linear
    let blocks: [BasicTransformerBlock]

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, channels: Int, heads: Int, crossDim: Int, layers: Int, groups: Int,
         onlyCrossAttention: Bool) throws {
        guard heads > 0, channels % heads == 0 else {
            throw DiffusionError.badConfig("\(channels) channels in \(heads) heads at \(s.prefix)")
        }
        let inner = channels
        norm = try GroupNorm(s("norm"), channels: channels, groups: groups, eps: 1e-6)
        // A 1×1-conv and a linear proj_in/proj_out are the same per-token product; `Linear` accepts both weight ranks.
        projIn = try Linear(s("proj_in"), in: channels, out: inner)
        projOut = try Linear(s("proj_out"), in: inner, out: channels)
        blocks = try (0..<layers).map {
            try BasicTransformerBlock(s("transformer_blocks.\($0)"), dim: inner, heads: heads,
                                      headDim: inner / heads, crossDim: crossDim, onlyCrossAttention: onlyCrossAttention)
        }
    }

    /// x [N, C, H, W], context [N, S, crossDim] (flat) → [N, C, H, W].
    func callAsFunction(_ x: Tensor, context: [Float], threads: ComputeThreads) throws -> Tensor {
        let n = x.shape[0], hw = x.shape[2] * x.shape[3]
        var tokens = try projIn.tokens(fromChannelsFirst: try norm(x, silu: false, threads: threads), threads: threads)
        for block in blocks { try block(&tokens, context: context, batch: n, threads: threads) }
        var out = x
        try projOut.accumulateChannelsFirst(tokens, batch: n, spatial: hw, into: &out, threads: threads)
        return out
    }
}
