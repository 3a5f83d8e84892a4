extension Image {
    /// Element-wise `self + other` (same shape).
    public func adding(_ other: Image) -> Image { zipped(other, subtract: false) }

    /// Element-wise `self - other` (same shape).
    public func subtracting(_ other: Image) -> Image { zipped(other, subtract: true) }

    /// Every sample multiplied by `s`.
    public func scaled(by s: Float) -> Image {
        var out = self
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] *= s }
        }
        return out
    }

    /// Every sample clamped to `lo...hi`.
    public func clamped(to lo: Float = 0, _ hi: Float = 1) -> Image {
        var out = self
        out.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count { d[i] = min(max(d[i], lo), hi) }
        }
        return out
    }

    /// Largest absolute sample difference to `other` (same shape); handy for tests and checks.
    public func maxAbsDifference(_ other: Image) -> Float {
        precondition(width == other.width && height == other.height && channels == other.channels, "shape mismatch")
        var m: Float = 0
        data.withUnsafeBufferPointer { a in
            other.data.withUnsafeBufferPointer { b in
                for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
            }
        }
        return m
    }

    /// Per-pixel `mask * a + (1 - mask) * b`; `mask` has 1 channel or as many as `a`.
    public static func mixed(_ a: Image, _ b: Image, mask: Image) -> Image {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "shape mismatch")
        precondition(mask.width == a.width && mask.height == a.height, "mask size mismatch")
        precondition(mask.channels == 1 || mask.channels == a.channels, "mask needs 1 or \(a.channels) channels")
        var out = a
        let ch = a.channels, mch = mask.channels
        out.data.withUnsafeMutableBufferPointer { d in
            b.data.withUnsafeBufferPointer { bb in
                mask.data.withUnsafeBufferPointer { m in
                    if mch == 1 {
                        for p in 0..<(a.width * a.height) {
                            let w = m[p]
                            for c in 0..<ch { d[p * ch + c] = w * d[p * ch + c] + (1 - w) * bb[p * ch + c] }
                        }
                    } else {
                        for i in 0..<d.count { d[i] = m[i] * d[i] + (1 - m[i]) * bb[i] }
                    }
                }
            }
        }
        return out
    }

    private func zipped(_ other: Image, subtract: Bool) -> Image {
        precondition(width == other.width && height == other.height && channels == other.channels,
                     "shape mismatch \(width)x\(height)x\(channels) vs \(other.width)x\(other.height)x\(other.channels)")
        var out = self
        out.data.withUnsafeMutableBufferPointer { d in
            other.data.withUnsafeBufferPointer { o in
                // d ± o is d + (±1)·o: one vectorised multiply-add kernel for both.
                RowKernels.axpy(d.baseAddress!, o.baseAddress!, subtract ? -1 : 1, d.count)
            }
        }
        return out
    }
}
