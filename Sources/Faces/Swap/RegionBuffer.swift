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

/// Interleaved float samples covering a `PixelRect` (internal working buffer of the swap).
struct RegionBuffer {
    var width: Int
    var height: Int
    var channels: Int
    var data: [Float]

    init(width: Int, height: Int, channels: Int, fill: Float = 0) {
        self.width = width; self.height = height; self.channels = channels
        data = [Float](repeating: fill, count: width * height * channels)
    }

    /// Copies a rectangle of an 8-bit image into floats in 0...1.
    init(cropping image: ByteImage, _ r: PixelRect) {
        self.init(width: r.width, height: r.height, channels: image.channels)
        let c = channels, iw = image.width
        image.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                let s: Float = 1 / 255
                for y in 0..<r.height {
                    let so = ((r.y + y) * iw + r.x) * c, d0 = y * r.width * c
                    for i in 0..<(r.width * c) { dst[d0 + i] = Float(src[so + i]) * s }
                }
            }
        }
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
    /// Gaussian blur of every channel (edges clamped), sigma in pixels.
    static func gaussian(_ buf: RegionBuffer, sigma: Float) -> RegionBuffer {
        guard sigma > 0.3 else { return buf }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var k = [Float](repeating: 0, count: 2 * radius + 1)
        var sum: Float = 0
        for i in -radius...radius { let v = expf(-Float(i * i) / (2 * sigma * sigma)); k[i + radius] = v; sum += v }
        for i in k.indices { k[i] /= sum }
        return separable(buf, kernel: k)
    }

    /// Applies the same 1-D kernel horizontally then vertically (clamped edges), rows in parallel.
    static func separable(_ buf: RegionBuffer, kernel k: [Float]) -> RegionBuffer {
        let w = buf.width, h = buf.height, c = buf.channels, r = k.count / 2
        guard w > 0, h > 0 else { return buf }
        var tmp = RegionBuffer(width: w, height: h, channels: c)
        var out = RegionBuffer(width: w, height: h, channels: c)
        let chunks = min(h, 8)
        buf.data.withUnsafeBufferPointer { src in
            tmp.data.withUnsafeMutableBufferPointer { dstB in
                let dst = SharedMutablePointer(dstB)
                k.withUnsafeBufferPointer { kb in
                    let kk = SharedPointer(kb), src = SharedPointer(src)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        for y in (chunk * h / chunks)..<((chunk + 1) * h / chunks) {
                            let row = y * w * c
                            for x in 0..<w {
                                for ch in 0..<c {
                                    var acc: Float = 0
                                    for j in -r...r {
                                        let xx = min(max(x + j, 0), w - 1)
                                        acc += kk[j + r] * src[row + xx * c + ch]
                                    }
                                    dst[row + x * c + ch] = acc
                                }
                            }
                        }
                    }
                }
            }
        }
        tmp.data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dstB in
                let dst = SharedMutablePointer(dstB)
                k.withUnsafeBufferPointer { kb in
                    let kk = SharedPointer(kb), src = SharedPointer(src)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        for y in (chunk * h / chunks)..<((chunk + 1) * h / chunks) {
                            for i in 0..<(w * c) {
                                var acc: Float = 0
                                for j in -r...r {
                                    let yy = min(max(y + j, 0), h - 1)
                                    acc += kk[j + r] * src[yy * w * c + i]
                                }
                                dst[y * w * c + i] = acc
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

import Dispatch
import Foundation
