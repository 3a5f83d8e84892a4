import Dispatch
import Imaging

/// Piecewise-affine warp of a source texture onto target landmarks: each triangle of the fixed
/// mesh is mapped by its own affine transform, rasterised by scanline over the target region only.
public enum PiecewiseAffineWarp {
    /// Minimum cosine between a target triangle's 3-D normal and the camera axis for it to be drawn;
    /// triangles turned further away (or back-facing) are culled.
    public static let cullCosine: Float = 0.12

    /// Which triangles face the camera. A triangle is culled when its 3-D normal (using FaceMesh z)
    /// points away from the viewer, or when it has turned to grazing (cosine below `cullCosine`) and
    /// lost more than half of the facing it has on the frontal canonical face — so the steep but
    /// visible sides of a frontal face stay drawn.
    public static func visibility(_ pts: [SIMD3<Float>], triangles: [Triangle]) -> [Bool] {
        let canon = triangles.count == CanonicalFace.triangles.count ? CanonicalFace.facing : nil
        return triangles.enumerated().map { k, t in
            let cos = facingCosine(pts[t.a], pts[t.b], pts[t.c])
            return cos > 0 && (cos >= cullCosine || cos >= 0.5 * (canon?[k] ?? 1))
        }
    }

    /// Cosine between a triangle's normal and the direction towards the camera (−z is towards the
    /// camera in FaceMesh; y points down, so a front-facing triangle with positive screen area has n.z > 0).
    static func facingCosine(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>) -> Float {
        let u = b - a, v = c - a
        let n = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        let len = (n * n).sum().squareRoot()
        return len > 0 ? n.z / len : 0
    }

    /// Warps `source` (landmarks `src`) onto the target region `rect` (landmarks `dst`, frame pixels).
    /// Returns the warped RGB samples over `rect` and a coverage mask (1 where a visible triangle was drawn).
    static func warp(source: ByteImage, src: [SIMD3<Float>], dst: [SIMD3<Float>], triangles: [Triangle],
                     visible: [Bool], rect: PixelRect) -> (RegionBuffer, RegionBuffer) {
        let w = rect.width, h = rect.height
        var out = RegionBuffer(width: w, height: h, channels: 3)
        var cov = RegionBuffer(width: w, height: h, channels: 1)
        // Per-triangle affine target→source, in region coordinates.
        struct Piece { var d: (SIMD2<Float>, SIMD2<Float>, SIMD2<Float>); var m: (Float, Float, Float, Float, Float, Float); var y0: Int; var y1: Int }
        var pieces: [Piece] = []
        pieces.reserveCapacity(triangles.count)
        let ox = Float(rect.x), oy = Float(rect.y)
        for (k, t) in triangles.enumerated() where visible[k] {
            let d0 = SIMD2(dst[t.a].x - ox, dst[t.a].y - oy), d1 = SIMD2(dst[t.b].x - ox, dst[t.b].y - oy)
            let d2 = SIMD2(dst[t.c].x - ox, dst[t.c].y - oy)
            let s0 = SIMD2(src[t.a].x, src[t.a].y), s1 = SIMD2(src[t.b].x, src[t.b].y), s2 = SIMD2(src[t.c].x, src[t.c].y)
            let e1 = d1 - d0, e2 = d2 - d0
            let det = e1.x * e2.y - e1.y * e2.x
            guard abs(det) > 1e-6 else { continue }
            // p = d0 + u e1 + v e2  →  s = s0 + u (s1 - s0) + v (s2 - s0)
            let f1 = s1 - s0, f2 = s2 - s0
            let iu = SIMD2(e2.y, -e2.x) / det, iv = SIMD2(-e1.y, e1.x) / det
            let a = f1.x * iu.x + f2.x * iv.x, b = f1.x * iu.y + f2.x * iv.y
            let c = f1.y * iu.x + f2.y * iv.x, d = f1.y * iu.y + f2.y * iv.y
            let tx = s0.x - a * d0.x - b * d0.y, ty = s0.y - c * d0.x - d * d0.y
            let ylo = max(0, Int(min(d0.y, d1.y, d2.y).rounded(.up))), yhi = min(h - 1, Int(max(d0.y, d1.y, d2.y).rounded(.down)))
            guard ylo <= yhi else { continue }
            pieces.append(Piece(d: (d0, d1, d2), m: (a, b, tx, c, d, ty), y0: ylo, y1: yhi))
        }
        let sw = source.width, sh = source.height, sc = source.channels
        let bands = max(1, min(h / 16, 16))
        source.data.withUnsafeBufferPointer { sp in
            out.data.withUnsafeMutableBufferPointer { op in
                cov.data.withUnsafeMutableBufferPointer { cp in
                    let o = SharedMutablePointer(op), cv = SharedMutablePointer(cp), s = SharedPointer(sp)
                    let pieces = pieces
                    DispatchQueue.concurrentPerform(iterations: bands) { band in
                        let by0 = band * h / bands, by1 = (band + 1) * h / bands - 1
                        for p in pieces where p.y1 >= by0 && p.y0 <= by1 {
                            let (d0, d1, d2) = p.d
                            let (a, b, tx, c, d, ty) = p.m
                            for y in max(p.y0, by0)...min(p.y1, by1) {
                                let fy = Float(y)
                                var xl = -Float.infinity, xr = Float.infinity
                                // Intersect the scanline with the three edges' inner half-planes.
                                for (u, v, q) in [(d0, d1, d2), (d1, d2, d0), (d2, d0, d1)] {
                                    let side = (v.x - u.x) * (q.y - u.y) - (v.y - u.y) * (q.x - u.x)
                                    // e(x) = (v.x-u.x)(fy-u.y) - (v.y-u.y)(x-u.x), same sign as side inside.
                                    let slope = -(v.y - u.y), c0 = (v.x - u.x) * (fy - u.y) + (v.y - u.y) * u.x
                                    let sg: Float = side > 0 ? 1 : -1
                                    let sl = slope * sg, cc = c0 * sg + 1e-3 * abs(side).squareRoot()
                                    if abs(sl) < 1e-9 { if cc < 0 { xl = .infinity } ; continue }
                                    let xc = -cc / sl
                                    if sl > 0 { xl = max(xl, xc) } else { xr = min(xr, xc) }
                                }
                                let x0 = max(0, Int(xl.rounded(.up))), x1 = min(w - 1, Int(xr.rounded(.down)))
                                if x0 > x1 { continue }
                                for x in x0...x1 {
                                    let fx = Float(x)
                                    let sx = min(max(a * fx + b * fy + tx, 0), Float(sw - 1))
                                    let sy = min(max(c * fx + d * fy + ty, 0), Float(sh - 1))
                                    let ix = min(Int(sx), sw - 2), iy = min(Int(sy), sh - 2)
                                    let ax = sx - Float(ix), ay = sy - Float(iy)
                                    let i00 = (iy * sw + ix) * sc, i10 = i00 + sc, i01 = i00 + sw * sc, i11 = i01 + sc
                                    let oi = (y * w + x) * 3
                                    for ch in 0..<3 {
                                        let top = Float(s[i00 + ch]) * (1 - ax) + Float(s[i10 + ch]) * ax
                                        let bot = Float(s[i01 + ch]) * (1 - ax) + Float(s[i11 + ch]) * ax
                                        o[oi + ch] = (top * (1 - ay) + bot * ay) * (1 / 255)
                                    }
                                    cv[y * w + x] = 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return (out, cov)
    }
}
