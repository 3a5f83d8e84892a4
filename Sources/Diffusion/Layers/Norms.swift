import Neural

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
