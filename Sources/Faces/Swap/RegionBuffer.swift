import Imaging

/// An integer pixel rectangle inside a frame: the only area the swap reads and writes.
public struct PixelRect: Sendable, Equatable, Codable {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Creates a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }

    /// The rectangle holding `points` grown by `pad` pixels, clipped to a `w`×`h` frame (nil when empty).
    public static func bounding(_ points: [SIMD3<Float>], pad: Float, clipWidth w: Int, clipHeight h: Int) -> PixelRect? {
        var x0 = Float.infinity, y0 = Float.infinity, x1 = -Float.infinity, y1 = -Float.infinity
        for p in points where p.x.isFinite && p.y.isFinite {
            x0 = min(x0, p.x); y0 = min(y0, p.y); x1 = max(x1, p.x); y1 = max(y1, p.y)
        }
        guard x0 <= x1 else { return nil }
        let ix0 = max(0, Int((x0 - pad).rounded(.down))), iy0 = max(0, Int((y0 - pad).rounded(.down)))
        let ix1 = min(w, Int((x1 + pad).rounded(.up)) + 1), iy1 = min(h, Int((y1 + pad).rounded(.up)) + 1)
        guard ix1 > ix0, iy1 > iy0 else { return nil }
        return PixelRect(x: ix0, y: iy0, width: ix1 - ix0, height: iy1 - iy0)
    }

    /// Number of pixels.
    public var area: Int { width * height }
}

/// The swap's working buffers are Imaging's float images (interleaved, values 0...1 for colour).
typealias RegionBuffer = Image

extension Image {
    /// Copies a rectangle of an 8-bit image into floats in 0...1.
    init(cropping image: ByteImage, _ r: PixelRect) {
        self.init(image.cropped(x: r.x, y: r.y, width: r.width, height: r.height))
    }

    /// Writes the buffer back into `image` at `r`, rounding to 8 bits.
    func paste(into image: inout ByteImage, at r: PixelRect) {
        let c = channels, iw = image.width
        data.withUnsafeBufferPointer { src in
            image.data.withUnsafeMutableBufferPointer { dst in
                for y in 0..<r.height {
                    let d0 = ((r.y + y) * iw + r.x) * c, s0 = y * r.width * c
                    for i in 0..<(r.width * c) {
                        let v = min(max(src[s0 + i], 0), 1) * 255 + 0.5
                        dst[d0 + i] = UInt8(v)
                    }
                }
            }
        }
    }
}

/// Small separable filters on region buffers.
enum RegionFilter {
    /// Gaussian blur of every channel (edges clamped), sigma in pixels. Wide blurs run on a grid
    /// decimated so the kernel stays about 2.5 pixels wide, then are upsampled bilinearly: the
    /// result is smooth, and the cost no longer grows with sigma.
    static func gaussian(_ buf: RegionBuffer, sigma: Float) -> RegionBuffer {
        guard sigma > 0.3 else { return buf }
        let f = Int(sigma / 2.5)
        if f >= 2 && buf.width >= 4 * f && buf.height >= 4 * f {
            let small = gaussian(decimate(buf, f), sigma: sigma / Float(f))
            return upsample(small, factor: f, width: buf.width, height: buf.height)
        }
        return buf.gaussianBlurred(sigma: sigma)
    }

    /// Grey-level dilation of a 1-channel buffer: each pixel takes the largest value within `radius` pixels
    /// (a square, two separable passes of a running maximum along rows and columns).
    static func dilate(_ buf: RegionBuffer, radius: Int) -> RegionBuffer {
        guard radius >= 1, buf.channels == 1 else { return buf }
        let w = buf.width, h = buf.height
        var tmp = buf, out = buf
        buf.data.withUnsafeBufferPointer { s in
            tmp.data.withUnsafeMutableBufferPointer { t in
                for y in 0..<h {
                    let row = y * w
                    for x in 0..<w {
                        var m = s[row + x]
                        for i in max(0, x - radius)...min(w - 1, x + radius) { m = max(m, s[row + i]) }
                        t[row + x] = m
                    }
                }
            }
        }
        tmp.data.withUnsafeBufferPointer { t in
            out.data.withUnsafeMutableBufferPointer { o in
                for y in 0..<h {
                    for x in 0..<w {
                        var m = t[y * w + x]
                        for j in max(0, y - radius)...min(h - 1, y + radius) { m = max(m, t[j * w + x]) }
                        o[y * w + x] = m
                    }
                }
            }
        }
        return out
    }

    /// Box-average decimation by an integer factor (partial edge cells average what they cover).
    static func decimate(_ b: RegionBuffer, _ f: Int) -> RegionBuffer {
        let w = (b.width + f - 1) / f, h = (b.height + f - 1) / f, c = b.channels
        var out = RegionBuffer(width: w, height: h, channels: c)
        b.data.withUnsafeBufferPointer { sb in
            out.data.withUnsafeMutableBufferPointer { db in
                let s = sb.baseAddress!, d = db.baseAddress!
                // Sum each cell row by row (f source rows per output row), then divide by the cell's size.
                for oy in 0..<h {
                    let y0 = oy * f, y1 = min(y0 + f, b.height)
                    let o = d + oy * w * c
                    for y in y0..<y1 {
                        let row = s + y * b.width * c
                        for x in 0..<b.width {
                            let q = o + (x / f) * c, p = row + x * c
                            for ch in 0..<c { q[ch] += p[ch] }
                        }
                    }
                    let rows = Float(y1 - y0)
                    for ox in 0..<w {
                        let inv = 1 / (rows * Float(min(ox * f + f, b.width) - ox * f))
                        for ch in 0..<c { o[ox * c + ch] *= inv }
                    }
                }
            }
        }
        return out
    }

    /// Bilinear upsampling of a grid decimated by `factor` (cell centres at (i + 0.5)·factor − 0.5).
    static func upsample(_ s: RegionBuffer, factor f: Int, width: Int, height: Int) -> RegionBuffer {
        let c = s.channels, sw = s.width, sh = s.height
        var out = RegionBuffer(width: width, height: height, channels: c)
        var x0s = [Int](repeating: 0, count: width), x1s = x0s, axs = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let fx = min(max((Float(x) + 0.5) / Float(f) - 0.5, 0), Float(sw - 1))
            x0s[x] = Int(fx); x1s[x] = min(x0s[x] + 1, sw - 1); axs[x] = fx - Float(x0s[x])
        }
        s.data.withUnsafeBufferPointer { spb in
            out.data.withUnsafeMutableBufferPointer { dpb in
              x0s.withUnsafeBufferPointer { x0p in x1s.withUnsafeBufferPointer { x1p in axs.withUnsafeBufferPointer { axp in
                let sp = spb.baseAddress!, dp = dpb.baseAddress!
                for y in 0..<height {
                    let fy = min(max((Float(y) + 0.5) / Float(f) - 0.5, 0), Float(sh - 1))
                    let y0 = Int(fy), y1 = min(y0 + 1, sh - 1), ay = fy - Float(y0)
                    let r0 = y0 * sw * c, r1 = y1 * sw * c, o = y * width * c
                    for x in 0..<width {
                        let a = x0p[x] * c, b = x1p[x] * c, ax = axp[x]
                        for ch in 0..<c {
                            let t = sp[r0 + a + ch] + (sp[r0 + b + ch] - sp[r0 + a + ch]) * ax
                            let u = sp[r1 + a + ch] + (sp[r1 + b + ch] - sp[r1 + a + ch]) * ax
                            dp[o + x * c + ch] = t + (u - t) * ay
                        }
                    }
                }
              } } }
            }
        }
        return out
    }
}

import Dispatch
import Foundation
