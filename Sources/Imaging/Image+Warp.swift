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
                let maxX = Float(inW - 1), maxY = Float(inH - 1)
                Parallel.forRanges(outH, costPerItem: outW * ch * 8) { rows in
                    // Output tiles of 16×64 keep the input footprint small under rotation, so
                    // the four neighbours mostly come from cache (rows alone stride across the input).
                    for yTile in stride(from: rows.lowerBound, to: rows.upperBound, by: 16) {
                    for xTile in stride(from: 0, to: outW, by: 64) {
                    for y in yTile..<min(yTile + 16, rows.upperBound) {
                        let fy = Float(y)
                        let d = dst + y * outW * ch
                        for x in xTile..<min(xTile + 64, outW) {
                            let fx = Float(x)
                            let sx = t.a * fx + t.b * fy + t.tx
                            let sy = t.c * fx + t.d * fy + t.ty
                            // The negated test also sends NaN coordinates to the fill.
                            if !(sx > -1 && sx < Float(inW) && sy > -1 && sy < Float(inH)) { continue }
                            let p = d + x * ch
                            // Inside, coordinates are ≥ 0, so truncation is floor: `Int(_:)` is one
                            // instruction where `rounded(.down)` is a libm call on baseline x86-64.
                            if sx >= 0 && sy >= 0 && sx < maxX && sy < maxY {
                                let x0 = Int(sx), y0 = Int(sy)
                                let ax = sx - Float(x0), ay = sy - Float(y0)
                                let s00 = src + (y0 * inW + x0) * ch
                                let s10 = s00 + ch
                                let s01 = s00 + inW * ch
                                let s11 = s01 + ch
                                let w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay)
                                let w01 = (1 - ax) * ay, w11 = ax * ay
                                if ch == 3 {
                                    p[0] = w00 * s00[0] + w10 * s10[0] + w01 * s01[0] + w11 * s11[0]
                                    p[1] = w00 * s00[1] + w10 * s10[1] + w01 * s01[1] + w11 * s11[1]
                                    p[2] = w00 * s00[2] + w10 * s10[2] + w01 * s01[2] + w11 * s11[2]
                                } else {
                                    for c in 0..<ch {
                                        p[c] = w00 * s00[c] + w10 * s10[c] + w01 * s01[c] + w11 * s11[c]
                                    }
                                }
                            } else {
                                // Border: each missing neighbour contributes `fill`.
                                let x0f = sx.rounded(.down), y0f = sy.rounded(.down)
                                let ax = sx - x0f, ay = sy - y0f
                                let x0 = Int(x0f), y0 = Int(y0f)
                                let x1 = x0 + 1, y1 = y0 + 1
                                let in0x = x0 >= 0 && x0 < inW, in1x = x1 >= 0 && x1 < inW
                                let in0y = y0 >= 0 && y0 < inH, in1y = y1 >= 0 && y1 < inH
                                for c in 0..<ch {
                                    let v00 = in0x && in0y ? src[(y0 * inW + x0) * ch + c] : fill
                                    let v10 = in1x && in0y ? src[(y0 * inW + x1) * ch + c] : fill
                                    let v01 = in0x && in1y ? src[(y1 * inW + x0) * ch + c] : fill
                                    let v11 = in1x && in1y ? src[(y1 * inW + x1) * ch + c] : fill
                                    let top = v00 + ax * (v10 - v00)
                                    let bottom = v01 + ax * (v11 - v01)
                                    p[c] = top + ay * (bottom - top)
                                }
                            }
                        }
                    }
                    }
                    }
                }
            }
        }
        return Image(width: outW, height: outH, channels: ch, data: out)
    }

    /// Warps into an image of the same size as `self` (see `warpedAffine(_:width:height:fill:)`).
    public func warpedAffine(_ t: AffineTransform, fill: Float = 0) -> Image {
        warpedAffine(t, width: width, height: height, fill: fill)
    }
}

extension ByteImage {
    /// Affine warp of an 8-bit image (via `Image`); `t` maps output to input coordinates,
    /// `fill` is in 0...1.
    public func warpedAffine(_ t: AffineTransform, width outW: Int, height outH: Int, fill: Float = 0) -> ByteImage {
        ByteImage(Image(self).warpedAffine(t, width: outW, height: outH, fill: fill))
    }
}
