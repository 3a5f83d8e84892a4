import Neural

/// diffusers `ResnetBlock2D` (SD's "default" time-scale-shift, output scale 1):
/// out = shortcut(x) + conv2(SiLU(norm2(conv1(SiLU(norm1(x))) + time_emb_proj(SiLU(temb)))))
struct ResnetBlock2D: Sendable {
    let norm1: GroupNorm, conv1: Conv2d, norm2: GroupNorm, conv2: Conv2d
    let timeProjection: Linear?
    let shortcut: Conv2d?

    /// `temb` > 0 adds the `time_emb_proj` (UNet); 0 leaves it out (VAE).
    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, in inC: Int, out outC: Int, temb: Int, groups: Int, eps: Float) throws {
        norm1 = try GroupNorm(s("norm1"), channels: inC, groups: groups, eps: eps)
        conv1 = try Conv2d(s("conv1"), in: inC, out: outC, kernel: 3)
        norm2 = try GroupNorm(s("norm2"), channels: outC, groups: groups, eps: eps)
        conv2 = try Conv2d(s("conv2"), in: outC, out: outC, kernel: 3)
        timeProjection = temb > 0 ? try Linear(s("time_emb_proj"), in: temb, out: outC) : nil
        shortcut = inC != outC ? try Conv2d(s("conv_shortcut"), in: inC, out: outC, kernel: 1) : nil
    }

    /// x [N, in, H, W], siluTemb [N, temb] (SiLU already applied) → [N, out, H, W].
    func callAsFunction(_ x: Tensor, siluTemb: [Float]?, threads: ComputeThreads) throws -> Tensor {
        var shift: [Float]?
        if let timeProjection, let siluTemb {
            shift = try timeProjection(siluTemb, rows: x.shape[0], threads: threads)
        }
        var h = try norm1(x, silu: true, threads: threads)
        h = try conv1(h, channelShift: shift, threads: threads)
        h = try norm2(h, silu: true, threads: threads)
        let skip = try shortcut.map { try $0(x, threads: threads) } ?? x
        return try conv2(h, addend: skip, threads: threads)
    }
}

/// diffusers `Downsample2D` with a conv: 3×3 stride 2. `padding` 1 (UNet) or 0 with an extra zero
/// row and column after the input (VAE encoder, PyTorch's F.pad(0, 1, 0, 1)).
struct Downsample2D: Sendable {
    let conv: Conv2d
    let padding: Int

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, channels: Int, padding: Int) throws {
        conv = try Conv2d(s("conv"), in: channels, out: channels, kernel: 3, stride: 2, padding: padding)
        self.padding = padding
    }

    /// x [N, C, H, W] → [N, C, H/2, W/2] (PyTorch's output size for odd sides too).
    func callAsFunction(_ x: Tensor, threads: ComputeThreads) throws -> Tensor {
        let h = x.shape[2], w = x.shape[3]
        if padding == 0 {
            let geometry = DenseKernels.ConvShape(channels: conv.inChannels, height: h, width: w,
                                                  outChannels: conv.outChannels, kernel: 3, stride: 2, padTop: 0,
                                                  padLeft: 0, outHeight: (h + 1 - 3) / 2 + 1, outWidth: (w + 1 - 3) / 2 + 1)
            return try conv(x, geometry: geometry, threads: threads)
        }
        return try conv(x, threads: threads)
    }
}

/// diffusers `Upsample2D`: nearest-neighbour ×2, then a 3×3 conv.
struct Upsample2D: Sendable {
    let conv: Conv2d

    /// - Throws: `DiffusionError` for a missing or misshapen tensor.
    init(_ s: Scope, channels: Int) throws {
        conv = try Conv2d(s("conv"), in: channels, out: channels, kernel: 3)
    }

    /// x [N, C, H, W] → [N, C, 2H, 2W].
    func callAsFunction(_ x: Tensor, threads: ComputeThreads) throws -> Tensor {
        try conv(TensorOps.upsampleNearest2x(x), threads: threads)
    }
}
