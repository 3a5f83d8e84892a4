extension Image {
    /// Resamples the image through an affine map with bilinear interpolation.
    ///
    /// `t` maps OUTPUT pixel coordinates to INPUT pixel coordinates (pixel centres at
    /// integers), as OpenCV's `warpAffine` with `WARP_INVERSE_MAP`: output (x, y) takes
    /// the input value at `t.apply(x, y)`. Input neighbours outside the image count as
    /// `fill`, so edges fade into the fill over one pixel. Rows run in parallel.
    public func warpedAffine(_ t: AffineTransform, width outW: Int, height outH: Int, fill: Float = 0) -> Image {
        precondition(outW >= 0 && outH >= 0, "negative size \(outW)x\(outH)")
        let ch = channels, inW = width, inH = height
        var out = [Float](repeating: fill, count: outW * outH * ch)
        guard inW > 0, inH > 0, outW > 0, outH > 0 else {
            return Image(width: outW, height: outH, channels: ch, data: out)
        }
        data.withUnsafeBufferPointer { srcBuf in
            out.withUnsafeMutableBufferPointer { dstBuf in
                let src = srcBuf.baseAddress!, dst = dstBuf.baseAddress!
                Parallel.forRanges(outH, costPerItem: outW * ch * 8) { rows in
                    Self.warpRows(rows, src: src, inW: inW, inH: inH, dst: dst, outW: outW, ch: ch, t: t, fill: fill)
                }
            }
        }
        return Image(width: outW, height: outH, channels: ch, data: out)
    }

    /// Warps into an image of the same size as `self` (see `warpedAffine(_:width:height:fill:)`).
    public func warpedAffine(_ t: AffineTransform, fill: Float = 0) -> Image {
        warpedAffine(t, width: width, height: height, fill: fill)
    }

    /// The warp kernel for a range of output rows. Output tiles of 16×64 keep the input
    /// footprint small under rotation, so the four neighbours mostly come from cache.
    /// Per row, the span of x whose four neighbours are all inside is solved for once, so
    /// its pixels skip the border tests.
    static func warpRows<S: WarpSample>(_ rows: Range<Int>, src: UnsafePointer<S>, inW: Int, inH: Int,
                                        dst: UnsafeMutablePointer<Float>, outW: Int, ch: Int, t: AffineTransform, fill: Float) {
        let ta = t.a, tc = t.c
        for yTile in stride(from: rows.lowerBound, to: rows.upperBound, by: 16) {
            for xTile in stride(from: 0, to: outW, by: 64) {
                let xEnd = min(xTile + 64, outW)
                for y in yTile..<min(yTile + 16, rows.upperBound) {
                    let fy = Float(y)
                    let row = dst + y * outW * ch
                    let bx = t.b * fy + t.tx, by = t.d * fy + t.ty
                    let span = interiorSpan(ta, bx, tc, by, inW: inW, inH: inH, within: xTile..<xEnd)
                    for x in xTile..<span.lowerBound {
                        borderPixel(row + x * ch, sx: ta * Float(x) + bx, sy: tc * Float(x) + by,
                                    src: src, inW: inW, inH: inH, ch: ch, fill: fill)
                    }
                    for x in span {
                        let fx = Float(x)
                        let sx = ta * fx + bx, sy = tc * fx + by
                        // Clamping keeps memory safe if rounding nudges a coordinate past the span's edge.
                        let x0 = min(max(Int(sx), 0), inW - 2), y0 = min(max(Int(sy), 0), inH - 2)
                        let ax = sx - Float(x0), ay = sy - Float(y0)
                        let s00 = src + (y0 * inW + x0) * ch
                        let s10 = s00 + ch
                        let s01 = s00 + inW * ch
                        let s11 = s01 + ch
                        let w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay)
                        let w01 = (1 - ax) * ay, w11 = ax * ay
                        let p = row + x * ch
                        if ch == 3 && (y0 + 2 < inH || x0 + 2 < inW) {
                            // 4-lane loads read one sample past each pixel; only the image's
                            // very last pixel (excluded by the test) would read past the buffer.
                            let v = w00 * S.load4(s00) + w10 * S.load4(s10) + w01 * S.load4(s01) + w11 * S.load4(s11)
                            p[0] = v[0]; p[1] = v[1]; p[2] = v[2]
                        } else {
                            for c in 0..<ch {
                                p[c] = w00 * S.value(s00 + c) + w10 * S.value(s10 + c) + w01 * S.value(s01 + c) + w11 * S.value(s11 + c)
                            }
                        }
                    }
                    for x in max(span.upperBound, xTile)..<xEnd {
                        borderPixel(row + x * ch, sx: ta * Float(x) + bx, sy: tc * Float(x) + by,
                                    src: src, inW: inW, inH: inH, ch: ch, fill: fill)
                    }
                }
            }
        }
    }

    /// The x in `range` (a sub-range, possibly empty) where `0 ≤ a·x + b ≤ inW - 1` and
    /// `0 ≤ c·x + d ≤ inH - 1`, shrunk by one pixel on each side against rounding.
    static func interiorSpan(_ a: Float, _ b: Float, _ c: Float, _ d: Float, inW: Int, inH: Int,
                             within range: Range<Int>) -> Range<Int> {
        guard inW >= 2, inH >= 2 else { return range.lowerBound..<range.lowerBound }
        var lo = Double(range.lowerBound), hi = Double(range.upperBound - 1)
        func constrain(_ k: Float, _ m: Float, _ limit: Int) {
            let k = Double(k), m = Double(m), upper = Double(limit - 1)
            if k == 0 {
                if !(m >= 0 && m <= upper) { hi = -.infinity }
            } else {
                let e0 = (0 - m) / k, e1 = (upper - m) / k
                lo = max(lo, min(e0, e1) + 1)
                hi = min(hi, max(e0, e1) - 1)
            }
        }
        constrain(a, b, inW)
        constrain(c, d, inH)
        guard lo <= hi, lo.isFinite, hi.isFinite else { return range.lowerBound..<range.lowerBound }
        let first = Int(lo.rounded(.up)), last = Int(hi.rounded(.down))
        guard first <= last else { return range.lowerBound..<range.lowerBound }
        return first..<(last + 1)
    }

    /// One output pixel with full checks: outside the image it keeps the fill, near the
    /// edge each missing neighbour contributes `fill`.
    @inline(__always)
    static func borderPixel<S: WarpSample>(_ p: UnsafeMutablePointer<Float>, sx: Float, sy: Float, src: UnsafePointer<S>,
                            inW: Int, inH: Int, ch: Int, fill: Float) {
        // The negated test also sends NaN coordinates to the fill.
        if !(sx > -1 && sx < Float(inW) && sy > -1 && sy < Float(inH)) { return }
        let x0f = sx.rounded(.down), y0f = sy.rounded(.down)
        let ax = sx - x0f, ay = sy - y0f
        let x0 = Int(x0f), y0 = Int(y0f)
        let x1 = x0 + 1, y1 = y0 + 1
        let in0x = x0 >= 0 && x0 < inW, in1x = x1 >= 0 && x1 < inW
        let in0y = y0 >= 0 && y0 < inH, in1y = y1 >= 0 && y1 < inH
        for c in 0..<ch {
            let v00 = in0x && in0y ? S.value(src + (y0 * inW + x0) * ch + c) : fill
            let v10 = in1x && in0y ? S.value(src + (y0 * inW + x1) * ch + c) : fill
            let v01 = in0x && in1y ? S.value(src + (y1 * inW + x0) * ch + c) : fill
            let v11 = in1x && in1y ? S.value(src + (y1 * inW + x1) * ch + c) : fill
            let top = v00 + ax * (v10 - v00)
            let bottom = v01 + ax * (v11 - v01)
            p[c] = top + ay * (bottom - top)
        }
    }

}

/// Sample types the warp kernel reads, each seen as a Float in the image's 0...1 scale.
protocol WarpSample {
    /// The sample at `p` as a float.
    static func value(_ p: UnsafePointer<Self>) -> Float
    /// Four consecutive samples from `p` as floats.
    static func load4(_ p: UnsafePointer<Self>) -> SIMD4<Float>
}

extension Float: WarpSample {
    @inline(__always) static func value(_ p: UnsafePointer<Float>) -> Float { p.pointee }
    @inline(__always) static func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }
}

extension UInt8: WarpSample {
    /// Same scaling as `Image(ByteImage)`, so warping bytes equals warping their float image.
    @inline(__always) static func value(_ p: UnsafePointer<UInt8>) -> Float { Float(p.pointee) * (1.0 / 255.0) }
    @inline(__always) static func load4(_ p: UnsafePointer<UInt8>) -> SIMD4<Float> {
        // Lane by lane: the generic SIMD integer-to-float conversion does not compile to vector code.
        SIMD4<Float>(Float(p[0]), Float(p[1]), Float(p[2]), Float(p[3])) * (1.0 / 255.0)
    }
}

extension Image {
    /// Warps an 8-bit image straight into floats in 0...1: the same result as
    /// `Image(bytes).warpedAffine(t, width:height:fill:)`, without converting the whole input
    /// first (cutting a small crop out of a large frame reads only the crop's footprint).
    public init(warping bytes: ByteImage, _ t: AffineTransform, width outW: Int, height outH: Int, fill: Float = 0) {
        precondition(outW >= 0 && outH >= 0, "negative size \(outW)x\(outH)")
        let ch = bytes.channels, inW = bytes.width, inH = bytes.height
        var out = [Float](repeating: fill, count: outW * outH * ch)
        if inW > 0, inH > 0, outW > 0, outH > 0 {
            bytes.data.withUnsafeBufferPointer { srcBuf in
                out.withUnsafeMutableBufferPointer { dstBuf in
                    let src = srcBuf.baseAddress!, dst = dstBuf.baseAddress!
                    Parallel.forRanges(outH, costPerItem: outW * ch * 8) { rows in
                        Self.warpRows(rows, src: src, inW: inW, inH: inH, dst: dst, outW: outW, ch: ch, t: t, fill: fill)
                    }
                }
            }
        }
        self.init(width: outW, height: outH, channels: ch, data: out)
    }
}

extension ByteImage {
    /// Affine warp of an 8-bit image (via `Image`); `t` maps output to input coordinates,
    /// `fill` is in 0...1.
    public func warpedAffine(_ t: AffineTransform, width outW: Int, height outH: Int, fill: Float = 0) -> ByteImage {
        ByteImage(Image(warping: self, t, width: outW, height: outH, fill: fill))
    }
}
