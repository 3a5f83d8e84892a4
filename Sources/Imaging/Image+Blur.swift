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
    func convolvedSeparable(_ kernel: [Float]) -> Image {
        precondition(kernel.count % 2 == 1, "kernel length must be odd")
        let r = kernel.count / 2, w = width, h = height, ch = channels
        let rowLen = w * ch
        var tmp = [Float](repeating: 0, count: data.count)
        var out = [Float](repeating: 0, count: data.count)
        kernel.withUnsafeBufferPointer { kBuf in
            let kc = kBuf.baseAddress! + r  // kc[k] for k in -r...r
            data.withUnsafeBufferPointer { srcBuf in
                tmp.withUnsafeMutableBufferPointer { tmpBuf in
                    let src = srcBuf.baseAddress!, dst = tmpBuf.baseAddress!
                    Parallel.forRanges(h, costPerItem: rowLen * (r + 1)) { rows in
                        for y in rows {
                            let d = dst + y * rowLen
                            let centre = src + y * rowLen
                            let w0 = kc[0]
                            for i in 0..<rowLen { d[i] = w0 * centre[i] }
                            for k in 1...r {
                                let up = src + max(y - k, 0) * rowLen
                                let down = src + min(y + k, h - 1) * rowLen
                                let wk = kc[k]
                                for i in 0..<rowLen { d[i] += wk * (up[i] + down[i]) }
                            }
                        }
                    }
                }
            }
            tmp.withUnsafeBufferPointer { tmpBuf in
                out.withUnsafeMutableBufferPointer { outBuf in
                    let src = tmpBuf.baseAddress!, dst = outBuf.baseAddress!
                    Parallel.forRanges(h, costPerItem: rowLen * (r + 1)) { rows in
                        // One edge-padded copy of the row per worker, reused for every row.
                        let pad = UnsafeMutablePointer<Float>.allocate(capacity: (w + 2 * r) * ch)
                        defer { pad.deallocate() }
                        for y in rows {
                            let s = src + y * rowLen
                            let body = pad + r * ch
                            body.update(from: s, count: rowLen)
                            for j in 0..<r {
                                for c in 0..<ch {
                                    pad[j * ch + c] = s[c]
                                    body[rowLen + j * ch + c] = s[rowLen - ch + c]
                                }
                            }
                            let d = dst + y * rowLen
                            let w0 = kc[0]
                            for i in 0..<rowLen { d[i] = w0 * body[i] }
                            for k in 1...r {
                                let left = body - k * ch, right = body + k * ch
                                let wk = kc[k]
                                for i in 0..<rowLen { d[i] += wk * (left[i] + right[i]) }
                            }
                        }
                    }
                }
            }
        }
        return Image(width: w, height: h, channels: ch, data: out)
    }
}
