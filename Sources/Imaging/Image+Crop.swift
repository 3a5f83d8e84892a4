extension Image {
    /// The `width`×`height` region whose top-left pixel is (x, y). Parts of the region
    /// outside the image are filled with `fill`, so any rectangle is accepted.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int, fill: Float = 0) -> Image {
        precondition(w >= 0 && h >= 0, "negative crop size \(w)x\(h)")
        var out = Image(width: w, height: h, channels: channels, fill: fill)
        copyRegion(data, width: width, height: height, channels: channels, x: x, y: y, into: &out.data, width: w, height: h)
        return out
    }

    /// Copies `source` into this image with its top-left pixel at (x, y), clipped to
    /// the bounds. With a `mask` (1 channel or `channels` channels, `source`'s size,
    /// values in 0...1) each pixel becomes `m * source + (1 - m) * self`.
    public mutating func paste(_ source: Image, x: Int, y: Int, mask: Image? = nil) {
        precondition(source.channels == channels, "paste: \(source.channels) channels into \(channels)")
        if let mask {
            precondition(mask.width == source.width && mask.height == source.height, "paste: mask size differs from source")
            precondition(mask.channels == 1 || mask.channels == channels, "paste: mask needs 1 or \(channels) channels")
        }
        let x0 = max(x, 0), x1 = min(x + source.width, width)
        let y0 = max(y, 0), y1 = min(y + source.height, height)
        guard x0 < x1, y0 < y1 else { return }
        let ch = channels, sw = source.width, dw = width
        data.withUnsafeMutableBufferPointer { dst in
            source.data.withUnsafeBufferPointer { src in
                if let mask {
                    let mch = mask.channels
                    mask.data.withUnsafeBufferPointer { m in
                        for dy in y0..<y1 {
                            for dx in x0..<x1 {
                                let sp = (dy - y) * sw + (dx - x)
                                let dp = dy * dw + dx
                                for c in 0..<ch {
                                    let a = m[mch == 1 ? sp : sp * ch + c]
                                    dst[dp * ch + c] = a * src[sp * ch + c] + (1 - a) * dst[dp * ch + c]
                                }
                            }
                        }
                    }
                } else {
                    let n = (x1 - x0) * ch
                    for dy in y0..<y1 {
                        let s = src.baseAddress! + ((dy - y) * sw + (x0 - x)) * ch
                        let d = dst.baseAddress! + (dy * dw + x0) * ch
                        d.update(from: s, count: n)
                    }
                }
            }
        }
    }
}

extension ByteImage {
    /// The `width`×`height` region at (x, y); parts outside the image are `fill`.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int, fill: UInt8 = 0) -> ByteImage {
        precondition(w >= 0 && h >= 0, "negative crop size \(w)x\(h)")
        var out = ByteImage(width: w, height: h, channels: channels, fill: fill)
        copyRegion(data, width: width, height: height, channels: channels, x: x, y: y, into: &out.data, width: w, height: h)
        return out
    }
}

/// Copies the part of the `w`×`h` window at (x, y) that lies inside the `width`×`height`
/// source into `out` (the window's own buffer), leaving the rest of `out` untouched.
/// Shared by `Image.cropped` and `ByteImage.cropped`, which differ only in sample type.
private func copyRegion<T>(_ source: [T], width: Int, height: Int, channels ch: Int, x: Int, y: Int,
                           into out: inout [T], width w: Int, height h: Int) {
    let x0 = max(x, 0), x1 = min(x + w, width)
    let y0 = max(y, 0), y1 = min(y + h, height)
    guard x0 < x1, y0 < y1 else { return }
    let n = (x1 - x0) * ch
    source.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for sy in y0..<y1 {
                let s = src.baseAddress! + (sy * width + x0) * ch
                let d = dst.baseAddress! + ((sy - y) * w + (x0 - x)) * ch
                d.update(from: s, count: n)
            }
        }
    }
}
