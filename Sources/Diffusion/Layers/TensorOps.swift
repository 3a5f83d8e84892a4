import Neural

/// Layout helpers on NCHW tensors.
enum TensorOps {
    /// [N, C, H, W] → [N, C, 2H, 2W], each value copied to a 2×2 block.
    static func upsampleNearest2x(_ x: Tensor) -> Tensor {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        var out = Tensor(shape: [n, c, 2 * h, 2 * w])
        x.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(n * c) {
                    for y in 0..<h {
                        let s = src.baseAddress! + (plane * h + y) * w
                        let d0 = dst.baseAddress! + (plane * 2 * h + 2 * y) * 2 * w
                        for xx in 0..<w { d0[2 * xx] = s[xx]; d0[2 * xx + 1] = s[xx] }
                        (d0 + 2 * w).update(from: d0, count: 2 * w)
                    }
                }
            }
        }
        return out
    }

    /// Channel concatenation of two [N, C?, H, W] tensors (diffusers' `torch.cat([h, skip], dim=1)`).
    static func concatChannels(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.shape[0] == b.shape[0], a.shape[2] == b.shape[2], a.shape[3] == b.shape[3] else {
            throw DiffusionError.badOption("cannot concatenate \(a.shape) and \(b.shape)")
        }
        let n = a.shape[0], ca = a.shape[1], cb = b.shape[1], plane = a.shape[2] * a.shape[3]
        var data = [Float]()
        data.reserveCapacity(a.count + b.count)
        for s in 0..<n {
            data.append(contentsOf: a.data[(s * ca * plane)..<((s + 1) * ca * plane)])
            data.append(contentsOf: b.data[(s * cb * plane)..<((s + 1) * cb * plane)])
        }
        return try Tensor(shape: [n, ca + cb, a.shape[2], a.shape[3]], data: data)
    }
}
