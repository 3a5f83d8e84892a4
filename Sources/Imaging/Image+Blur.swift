import Foundation

extension Image {
    /// Normalised 1-D Gaussian of standard deviation `sigma`, radius `ceil(3σ)`
    /// (at least 1): `2*radius + 1` weights summing to 1.
    public static func gaussianKernel(sigma: Float) -> [Float] {
        let radius = max(1, Int((3 * Double(sigma)).rounded(.up)))
        var k = [Double](repeating: 0, count: 2 * radius + 1)
        let s2 = 2 * Double(sigma) * Double(sigma)
        for i in -radius...radius { k[i + radius] = exp(-Double(i * i) / s2) }
        let sum = k.reduce(0, +)
        return k.map { Float($0 / sum) }
    }

    /// Separable Gaussian blur with clamp-to-edge borders; `sigma <= 0` returns the image unchanged.
    ///
    /// Vertical pass then horizontal pass, each a sum of whole-row multiply-adds
    /// using the kernel's symmetry; rows run in parallel.
    public func gaussianBlurred(sigma: Float) -> Image {
        guard sigma > 0, width > 0, height > 0 else { return self }
        return convolvedSeparable(Image.gaussianKernel(sigma: sigma))
    }

    /// Convolves rows and columns with the same odd-length symmetric kernel, clamp-to-edge.
    ///
    /// Each output row is produced in one go: the vertical taps are summed into an
    /// edge-padded row buffer (neighbouring source rows are still in cache), then the
    /// horizontal taps run over that buffer. No intermediate image is stored.
    func convolvedSeparable(_ kernel: [Float]) -> Image {
        precondition(kernel.count % 2 == 1, "kernel length must be odd")
        let r = kernel.count / 2, w = width, h = height, ch = channels
        let rowLen = w * ch
        var out = [Float].uninitialized(data.count)
        kernel.withUnsafeBufferPointer { kBuf in
            let kc = kBuf.baseAddress! + r  // kc[k] for k in -r...r
            data.withUnsafeBufferPointer { srcBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    let src = srcBuf.baseAddress!, dst = outBuf.baseAddress!
                    Parallel.forRanges(h, costPerItem: rowLen * (2 * r + 2)) { rows in
                        let pad = UnsafeMutablePointer<Float>.allocate(capacity: (w + 2 * r) * ch)
                        defer { pad.deallocate() }
                        let body = pad + r * ch
                        for y in rows {
                            RowKernels.scale(body, src + y * rowLen, kc[0], rowLen)
                            for k in 1...max(r, 1) where k <= r {
                                RowKernels.axpy2(body, src + max(y - k, 0) * rowLen,
                                                 src + min(y + k, h - 1) * rowLen, kc[k], rowLen)
                            }
                            for j in 0..<r {
                                for c in 0..<ch {
                                    pad[j * ch + c] = body[c]
                                    body[rowLen + j * ch + c] = body[rowLen - ch + c]
                                }
                            }
                            let d = dst + y * rowLen
                            RowKernels.scale(d, body, kc[0], rowLen)
                            for k in 1...max(r, 1) where k <= r {
                                RowKernels.axpy2(d, body - k * ch, body + k * ch, kc[k], rowLen)
                            }
                        }
                    }
                }
            }
        }
        return Image(width: w, height: h, channels: ch, data: out)
    }
}
