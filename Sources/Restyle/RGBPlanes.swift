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
                        var x0 = 0
                        if f == 2 && 2 * y + 1 < h {
                            // 2×2 blocks fully inside: the same sums in the same order, without clamping.
                            let r0 = s + 2 * y * w * c, r1 = r0 + w * c, o = y * ow
                            let full = min(ow, w / 2)
                            for x in 0..<full {
                                let k = 2 * x * c
                                let sr = Float(r0[k]) + Float(r0[k + c]) + Float(r1[k]) + Float(r1[k + c])
                                let sg = Float(r0[k + 1]) + Float(r0[k + c + 1]) + Float(r1[k + 1]) + Float(r1[k + c + 1])
                                let sb = Float(r0[k + 2]) + Float(r0[k + c + 2]) + Float(r1[k + 2]) + Float(r1[k + c + 2])
                                pr[o + x] = sr * norm; pg[o + x] = sg * norm; pb[o + x] = sb * norm
                            }
                            x0 = full
                        }
                        for x in x0..<ow {
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
    /// (pixel-centre aligned, as `Plane.resized`), in one pass per output row: no full-size float
    /// planes are made. Each row is interpolated vertically first (whole source rows at once),
    /// then horizontally, then quantised eight samples at a time.
    public static func toBytes(_ planes: [Plane], width: Int, height: Int) -> ByteImage {
        precondition(planes.count == 3, "need three planes")
        precondition(planes[1].width == planes[0].width && planes[2].width == planes[0].width
                     && planes[1].height == planes[0].height && planes[2].height == planes[0].height, "plane sizes differ")
        let w = planes[0].width, h = planes[0].height
        var out = ByteImage(width: width, height: height, channels: 3)
        // Column taps, as `Plane.resized` computes them.
        let sx = Float(w) / Float(width), sy = Float(h) / Float(height)
        var x0s = [Int](repeating: 0, count: width), x1s = x0s, fxs = [Float](repeating: 0, count: width)
        for x in 0..<width {
            let fx = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(w - 1))
            x0s[x] = Int(fx); x1s[x] = min(x0s[x] + 1, w - 1); fxs[x] = fx - Float(x0s[x])
        }
        let same = w == width
        out.data.withUnsafeMutableBufferPointer { dst in
            withPlanePointers(planes) { p in
            x0s.withUnsafeBufferPointer { x0p in x1s.withUnsafeBufferPointer { x1p in fxs.withUnsafeBufferPointer { fxp in
                let d = dst.baseAddress!
                forEachChunk(height, minChunk: 8) { rows in
                    // Per task: three vertically interpolated source rows and one interleaved output row.
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * w + 3 * width)
                    defer { scratch.deallocate() }
                    let line = scratch + 3 * w
                    for y in rows {
                        let fy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(h - 1))
                        let y0 = Int(fy), y1 = min(y0 + 1, h - 1), wy = fy - Float(y0)
                        for c in 0..<3 {
                            let r0 = p[c] + y0 * w, r1 = p[c] + y1 * w, v = scratch + c * w
                            var x = 0
                            while x + 8 <= w {
                                let a = UnsafeRawPointer(r0 + x).loadUnaligned(as: SIMD8<Float>.self)
                                let b = UnsafeRawPointer(r1 + x).loadUnaligned(as: SIMD8<Float>.self)
                                UnsafeMutableRawPointer(v + x).storeBytes(of: a + (b - a) * wy, as: SIMD8<Float>.self)
                                x += 8
                            }
                            while x < w { v[x] = r0[x] + (r1[x] - r0[x]) * wy; x += 1 }
                        }
                        let v0 = scratch, v1 = scratch + w, v2 = scratch + 2 * w
                        if same {
                            for x in 0..<width { line[3 * x] = v0[x]; line[3 * x + 1] = v1[x]; line[3 * x + 2] = v2[x] }
                        } else {
                            for x in 0..<width {
                                let i0 = x0p[x], i1 = x1p[x], f = fxp[x]
                                line[3 * x] = v0[i0] + (v0[i1] - v0[i0]) * f
                                line[3 * x + 1] = v1[i0] + (v1[i1] - v1[i0]) * f
                                line[3 * x + 2] = v2[i0] + (v2[i1] - v2[i0]) * f
                            }
                        }
                        quantiseRow(line, d + y * width * 3, 3 * width)
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

/// `quantise` over a row, eight samples at a time: adding 2²³ to v·255 ∈ [0, 255] leaves it rounded
/// to the nearest integer in the low mantissa bits (half to even at exact ties, where `quantise` rounds up).
@inline(__always)
func quantiseRow(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt8>, _ n: Int) {
    var i = 0
    let zero = SIMD8<Float>.zero, one = SIMD8<Float>(repeating: 1), magic: Float = 8_388_608
    while i + 8 <= n {
        var v = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)
        v = v.replacing(with: zero, where: .!(v .> zero)).replacing(with: one, where: v .> one)
        let bits = unsafeBitCast(v * 255 + magic, to: SIMD8<UInt32>.self)
        UnsafeMutableRawPointer(dst + i).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: bits), as: SIMD8<UInt8>.self)
        i += 8
    }
    while i < n { dst[i] = quantise(src[i]); i += 1 }
}

/// Input and output sample pointers of one three-plane map.
private typealias RGBPointers = (r: UnsafePointer<Float>, g: UnsafePointer<Float>, b: UnsafePointer<Float>,
                                 qr: UnsafeMutablePointer<Float>, qg: UnsafeMutablePointer<Float>,
                                 qb: UnsafeMutablePointer<Float>)

/// Three new planes the size of `p`'s, filled by `body` through raw pointers (inputs first, then outputs).
private func mapPlanes(_ p: [Plane], _ body: (RGBPointers) -> Void) -> [Plane] {
    let w = p[0].width, h = p[0].height
    var o0 = Plane(width: w, height: h), o1 = o0, o2 = o0
    p[0].data.withUnsafeBufferPointer { r in p[1].data.withUnsafeBufferPointer { g in p[2].data.withUnsafeBufferPointer { b in
    o0.data.withUnsafeMutableBufferPointer { or in o1.data.withUnsafeMutableBufferPointer { og in
    o2.data.withUnsafeMutableBufferPointer { ob in
        body((r.baseAddress!, g.baseAddress!, b.baseAddress!, or.baseAddress!, og.baseAddress!, ob.baseAddress!))
    }}}}}}
    return [o0, o1, o2]
}

/// Applies `f(r, g, b) -> (r, g, b)` to every pixel of three planes, in parallel.
func mapRGB(_ p: [Plane], _ f: (Float, Float, Float, Int) -> (Float, Float, Float)) -> [Plane] {
    mapPlanes(p) { q in
        forEachChunk(p[0].width * p[0].height, minChunk: 4096) { range in
            for i in range {
                let (x, y, z) = f(q.r[i], q.g[i], q.b[i], i)
                q.qr[i] = x; q.qg[i] = y; q.qb[i] = z
            }
        }
    }
}

/// `mapRGB` eight pixels at a time: `f8` gets lanes i…i+7 (i a multiple of 8), `f` the tail pixels.
/// Both must compute the same function.
func mapRGB8(_ p: [Plane], _ f8: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>),
             _ f: (Float, Float, Float, Int) -> (Float, Float, Float)) -> [Plane] {
    let n = p[0].width * p[0].height
    return mapPlanes(p) { q in
        forEachChunk(n / 8, minChunk: 512) { range in
            for c in range {
                let i = 8 * c
                let (x, y, z) = f8(load8(q.r, i), load8(q.g, i), load8(q.b, i), i)
                store8(q.qr, i, x); store8(q.qg, i, y); store8(q.qb, i, z)
            }
        }
        for i in (n / 8 * 8)..<n {
            let (x, y, z) = f(q.r[i], q.g[i], q.b[i], i)
            q.qr[i] = x; q.qg[i] = y; q.qb[i] = z
        }
    }
}

extension RGBPlanes {
    /// sRGB planes (0…1) to CIE L, a, b planes, with Imaging's conversion (the one Lab in the repo).
    public static func toLab(_ rgb: [Plane]) -> [Plane] { Array(Plane.planes(of: image(rgb).toLab()).prefix(3)) }

    /// L, a, b planes to sRGB planes, clamped to 0…1.
    public static func fromLab(_ lab: [Plane]) -> [Plane] {
        let rgb = Plane.planes(of: Image.fromLab(image(lab)))
        return mapRGB8(Array(rgb.prefix(3)), { r, g, b, _ in (clamp01(r), clamp01(g), clamp01(b)) },
                       { r, g, b, _ in (min(max(r, 0), 1), min(max(g, 0), 1), min(max(b, 0), 1)) })
    }

    /// One sRGB triple (0…1) to Lab.
    public static func lab(_ rgb: SIMD3<Float>) -> SIMD3<Float> { ColorSpace.srgbToLab(rgb) }

    /// One Lab triple to sRGB, clamped to 0…1.
    public static func rgb(lab: SIMD3<Float>) -> SIMD3<Float> {
        ColorSpace.labToSrgb(lab).clamped(lowerBound: .zero, upperBound: .one)
    }
}

@inline(__always) private func clamp01(_ v: SIMD8<Float>) -> SIMD8<Float> {
    v.replacing(with: 0, where: v .< 0).replacing(with: 1, where: v .> 1)
}
