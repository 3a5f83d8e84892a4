import Flow
import Imaging

/// Planar RGB helpers: the stylisers work on three `Plane`s (r, g, b in 0…1, sRGB-encoded).
public enum RGBPlanes {
    /// Splits an 8-bit RGB image into planes, averaging `factor`×`factor` blocks (1 = full size).
    public static func from(_ image: ByteImage, factor: Int = 1) -> [Plane] {
        precondition(image.channels >= 3, "need an RGB image")
        let f = max(1, factor)
        let w = image.width, h = image.height, c = image.channels
        let ow = max(1, w / f), oh = max(1, h / f)
        var o0 = Plane(width: ow, height: oh), o1 = o0, o2 = o0
        let norm = 1 / (255 * Float(f * f))
        image.data.withUnsafeBufferPointer { src in
            o0.data.withUnsafeMutableBufferPointer { r in o1.data.withUnsafeMutableBufferPointer { g in
            o2.data.withUnsafeMutableBufferPointer { b in
                let s = src.baseAddress!, pr = r.baseAddress!, pg = g.baseAddress!, pb = b.baseAddress!
                forEachChunk(oh, minChunk: 16) { rows in
                    for y in rows {
                        for x in 0..<ow {
                            var sr: Float = 0, sg: Float = 0, sb: Float = 0
                            for j in 0..<f {
                                let yy = min(y * f + j, h - 1)
                                for i in 0..<f {
                                    let k = (yy * w + min(x * f + i, w - 1)) * c
                                    sr += Float(s[k]); sg += Float(s[k + 1]); sb += Float(s[k + 2])
                                }
                            }
                            let o = y * ow + x
                            pr[o] = sr * norm; pg[o] = sg * norm; pb[o] = sb * norm
                        }
                    }
                }
            }}}
        }
        return [o0, o1, o2]
    }

    /// Interleaves planes into an 8-bit RGB image of `width`×`height`, upsampling bilinearly when needed
    /// (pixel-centre aligned, the same samples as `Plane.resized`), in one pass: no full-size float
    /// planes are made.
    public static func toBytes(_ planes: [Plane], width: Int, height: Int) -> ByteImage {
        precondition(planes.count == 3, "need three planes")
        precondition(planes[1].width == planes[0].width && planes[2].width == planes[0].width
                     && planes[1].height == planes[0].height && planes[2].height == planes[0].height, "plane sizes differ")
        let w = planes[0].width, h = planes[0].height
        var out = ByteImage(width: width, height: height, channels: 3)
        // Column taps, as `Plane.resized` computes them (identity when the size already matches).
        let sx = Float(w) / Float(width), sy = Float(h) / Float(height)
        var x0s = [Int](repeating: 0, count: width), x1s = x0s, fxs = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let fx = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(w - 1))
            x0s[x] = Int(fx); x1s[x] = min(x0s[x] + 1, w - 1); fxs[x] = fx - Float(x0s[x])
        }
        let same = w == width && h == height
        out.data.withUnsafeMutableBufferPointer { dst in
            withPlanePointers(planes) { p in
            x0s.withUnsafeBufferPointer { x0p in x1s.withUnsafeBufferPointer { x1p in fxs.withUnsafeBufferPointer { fxp in
                let d = dst.baseAddress!
                forEachChunk(height, minChunk: 8) { rows in
                    for y in rows {
                        let o = d + y * width * 3
                        if same {
                            let r = p[0] + y * w, g = p[1] + y * w, b = p[2] + y * w
                            for x in 0..<width { o[3 * x] = quantise(r[x]); o[3 * x + 1] = quantise(g[x]); o[3 * x + 2] = quantise(b[x]) }
                            continue
                        }
                        let fy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(h - 1))
                        let y0 = Int(fy), y1 = min(y0 + 1, h - 1), wy = fy - Float(y0)
                        for c in 0..<3 {
                            let r0 = p[c] + y0 * w, r1 = p[c] + y1 * w
                            for x in 0..<width {
                                let i0 = x0p[x], i1 = x1p[x], f = fxp[x]
                                let a = r0[i0] + (r0[i1] - r0[i0]) * f
                                let b = r1[i0] + (r1[i1] - r1[i0]) * f
                                o[3 * x + c] = quantise(a + (b - a) * wy)
                            }
                        }
                    }
                }
            }}}}
        }
        return out
    }

    /// Rec. 601 luma of RGB planes.
    public static func luma(_ p: [Plane]) -> Plane {
        var out = Plane(width: p[0].width, height: p[0].height)
        p[0].data.withUnsafeBufferPointer { r in p[1].data.withUnsafeBufferPointer { g in p[2].data.withUnsafeBufferPointer { b in
            out.data.withUnsafeMutableBufferPointer { d in
                for i in 0..<d.count { d[i] = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i] }
            }
        }}}
        return out
    }

    /// Planes of a float image (RGB, extra channels dropped).
    public static func from(_ image: Image) -> [Plane] { Array(Plane.planes(of: image).prefix(3)) }

    /// Float image from planes.
    public static func image(_ planes: [Plane]) -> Image { Plane.image(from: planes) }
}

@inline(__always)
func quantise(_ v: Float) -> UInt8 { UInt8(min(max(v, 0), 1) * 255 + 0.5) }

/// Applies `f(r, g, b) -> (r, g, b)` to every pixel of three planes, in parallel.
func mapRGB(_ p: [Plane], _ f: (Float, Float, Float, Int) -> (Float, Float, Float)) -> [Plane] {
    let w = p[0].width, h = p[0].height, n = w * h
    var o0 = Plane(width: w, height: h), o1 = o0, o2 = o0
    p[0].data.withUnsafeBufferPointer { r in p[1].data.withUnsafeBufferPointer { g in p[2].data.withUnsafeBufferPointer { b in
    o0.data.withUnsafeMutableBufferPointer { or in o1.data.withUnsafeMutableBufferPointer { og in
    o2.data.withUnsafeMutableBufferPointer { ob in
        let pr = r.baseAddress!, pg = g.baseAddress!, pb = b.baseAddress!
        let qr = or.baseAddress!, qg = og.baseAddress!, qb = ob.baseAddress!
        forEachChunk(n, minChunk: 4096) { range in
            for i in range {
                let (x, y, z) = f(pr[i], pg[i], pb[i], i)
                qr[i] = x; qg[i] = y; qb[i] = z
            }
        }
    }}}}}}
    return [o0, o1, o2]
}
