import Neural

/// One resolution of the UNet's contracting path (`CrossAttnDownBlock2D` / `DownBlock2D`).
struct UNetDownBlock: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2D]
    let downsampler: Downsample2D?

    /// x [N, C, H, W] → output, with every intermediate appended to `skips` as diffusers does.
    func callAsFunction(_ x: Tensor, siluTemb: [Float], context: [Float], skips: inout [Tensor],
                        threads: ComputeThreads) throws -> Tensor {
        var h = x
        for (j, resnet) in resnets.enumerated() {
            h = try resnet(h, siluTemb: siluTemb, threads: threads)
            if !attentions.isEmpty { h = try attentions[j](h, context: context, threads: threads) }
            skips.append(h)
        }
        if let downsampler {
            h = try downsampler(h, threads: threads)
            skips.append(h)
        }
        return h
    }
}

/// One resolution of the expanding path (`CrossAttnUpBlock2D` / `UpBlock2D`): each ResNet takes the
/// running tensor concatenated with the latest skip.
struct UNetUpBlock: Sendable {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2D]
    let upsampler: Upsample2D?

    /// x [N, C, H, W] → output; pops one skip per ResNet.
    func callAsFunction(_ x: Tensor, siluTemb: [Float], context: [Float], skips: inout [Tensor],
                        threads: ComputeThreads) throws -> Tensor {
        var h = x
        for (j, resnet) in resnets.enumerated() {
            guard let skip = skips.popLast() else { throw DiffusionError.badOption("UNet skip connections exhausted") }
            h = try resnet(try TensorOps.concatChannels(h, skip), siluTemb: siluTemb, threads: threads)
            if !attentions.isEmpty { h = try attentions[j](h, context: context, threads: threads) }
        }
        if let upsampler { h = try upsampler(h, threads: threads) }
        return h
    }
}
