import Imaging
import Foundation

extension Plane {
    /// Half-size plane by 2×2 averaging (odd trailing rows/columns are folded in by clamping).
    public func halved() -> Plane {
        let ow = max(1, width / 2), oh = max(1, height / 2)
        var out = Plane(uninitializedWidth: ow, height: oh)
        let w = width, h = height
        data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                let src = s.baseAddress!, dst = d.baseAddress!
                parallelChunks(oh, minChunk: 16) { rows in
                    for y in rows {
                        let r0 = src + min(2 * y, h - 1) * w, r1 = src + min(2 * y + 1, h - 1) * w
                        let o = dst + y * ow
                        for x in 0..<ow {
                            let x0 = min(2 * x, w - 1), x1 = min(2 * x + 1, w - 1)
                            o[x] = 0.25 * (r0[x0] + r0[x1] + r1[x0] + r1[x1])
                        }
                    }
                }
            }
        }
        return out
    }

    /// Bilinear resize with pixel-centre alignment (no prefilter; halve first for big reductions).
    public func resized(width ow: Int, height oh: Int) -> Plane {
        precondition(ow > 0 && oh > 0, "bad target size")
        if ow == width && oh == height { return self }
        var out = Plane(uninitializedWidth: ow, height: oh)
        let w = width, h = height
        let sx = Float(w) / Float(ow), sy = Float(h) / Float(oh)
        // Precompute horizontal taps once per column.
        var x0s = [Int](repeating: 0, count: ow), x1s = x0s, fxs = [Float](repeating: 0, count: ow)
        for x in 0..<ow {
            let fx = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(w - 1))
            x0s[x] = Int(fx); x1s[x] = min(x0s[x] + 1, w - 1); fxs[x] = fx - Float(x0s[x])
        }
        data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                x0s.withUnsafeBufferPointer { x0p in x1s.withUnsafeBufferPointer { x1p in fxs.withUnsafeBufferPointer { fxp in
                    let src = s.baseAddress!, dst = d.baseAddress!
                    parallelChunks(oh, minChunk: 16) { rows in
                        for y in rows {
                            let fy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(h - 1))
                            let y0 = Int(fy), y1 = min(y0 + 1, h - 1), wy = fy - Float(y0)
                            let r0 = src + y0 * w, r1 = src + y1 * w, o = dst + y * ow
                            for x in 0..<ow {
                                let a = r0[x0p[x]] + (r0[x1p[x]] - r0[x0p[x]]) * fxp[x]
                                let b = r1[x0p[x]] + (r1[x1p[x]] - r1[x0p[x]]) * fxp[x]
                                o[x] = a + (b - a) * wy
                            }
                        }
                    }
                }}}
            }
        }
        return out
    }

    /// Gaussian blur with standard deviation `sigma` pixels (kernel radius ⌈3σ⌉, clamped borders):
    /// Imaging's separable blur on the plane viewed as a one-channel image (the arrays are shared, not copied).
    public func gaussianBlurred(sigma: Float) -> Plane {
        if sigma <= 0.01 { return self }
        let blurred = Image(width: width, height: height, channels: 1, data: data).gaussianBlurred(sigma: sigma)
        return Plane(width: width, height: height, data: blurred.data)
    }

    /// Box mean over a (2r+1)² window, clamped borders: direct sums along rows for r ≤ 8, running
    /// sums otherwise and down columns, so the cost per pixel stays O(1) in r for large windows.
    public func boxFiltered(radius r: Int) -> Plane {
        if r <= 0 { return self }
        let w = width, h = height
        var tmp = Plane(uninitializedWidth: w, height: h)
        var out = Plane(uninitializedWidth: w, height: h)
        let norm = 1 / Float(2 * r + 1)
        data.withUnsafeBufferPointer { s in
            tmp.data.withUnsafeMutableBufferPointer { t in
                let src = s.baseAddress!, tp = t.baseAddress!
                if r <= 8 && w >= 8 {
                    // Small radii: each output sums its 2r+1 taps directly, eight outputs at a time,
                    // from a border-padded copy of the row (no serial running sum).
                    parallelChunks(h, minChunk: 16) { rows in
                        let pad = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r)
                        defer { pad.deallocate() }
                        for y in rows {
                            let row = src + y * w, o = tp + y * w
                            for i in 0..<r { pad[i] = row[0]; pad[w + r + i] = row[w - 1] }
                            (pad + r).update(from: row, count: w)
                            var x = 0
                            let taps = 2 * r + 1
                            while x + 8 <= w {
                                // Four partial sums keep the additions independent.
                                let p = pad + x
                                var a0 = load8(p, 0), a1 = F8.zero, a2 = F8.zero, a3 = F8.zero
                                var j = 1
                                while j + 4 <= taps {
                                    a1 += load8(p, j); a2 += load8(p, j + 1); a3 += load8(p, j + 2); a0 += load8(p, j + 3)
                                    j += 4
                                }
                                while j < taps { a1 += load8(p, j); j += 1 }
                                store8(o, x, ((a0 + a1) + (a2 + a3)) * norm)
                                x += 8
                            }
                            while x < w {
                                var acc = pad[x]
                                for j in 1...(2 * r) { acc += pad[x + j] }
                                o[x] = acc * norm
                                x += 1
                            }
                        }
                    }
                    return
                }
                parallelChunks(h, minChunk: 16) { rows in
                    var y = rows.lowerBound
                    // Four rows at a time: the running sum is a serial chain per row, so
                    // interleaving rows lets the additions overlap.
                    while y + 4 <= rows.upperBound {
                        boxRows(src + y * w, tp + y * w, w, r, norm, 4)
                        y += 4
                    }
                    if y < rows.upperBound { boxRows(src + y * w, tp + y * w, w, r, norm, rows.upperBound - y) }
                }
            }
        }
        tmp.data.withUnsafeBufferPointer { t in
            out.data.withUnsafeMutableBufferPointer { d in
                let tp = t.baseAddress!, dst = d.baseAddress!
                // Vertical running sums per column block, parallel over column chunks.
                parallelChunks(w, minChunk: 64) { cols in
                    let n = cols.count, x0 = cols.lowerBound
                    var acc = [Float](repeating: 0, count: n)
                    acc.withUnsafeMutableBufferPointer { ab in
                        let a = ab.baseAddress!
                        for j in -r...r {
                            let row = tp + min(max(j, 0), h - 1) * w + x0
                            for i in 0..<n { a[i] += row[i] }
                        }
                        for y in 0..<h {
                            let o = dst + y * w + x0
                            let add = tp + min(y + r + 1, h - 1) * w + x0
                            let sub = tp + max(y - r, 0) * w + x0
                            var i = 0
                            while i + 8 <= n {
                                let v = load8(a, i)
                                store8(o, i, v * norm)
                                store8(a, i, v + (load8(add, i) - load8(sub, i)))
                                i += 8
                            }
                            while i < n { o[i] = a[i] * norm; a[i] += add[i] - sub[i]; i += 1 }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Central-difference gradients (one-sided at the borders), in value units per pixel.
    public func gradients() -> (dx: Plane, dy: Plane) {
        let w = width, h = height
        var gx = Plane(uninitializedWidth: w, height: h), gy = Plane(uninitializedWidth: w, height: h)
        data.withUnsafeBufferPointer { s in
            gx.data.withUnsafeMutableBufferPointer { gxb in gy.data.withUnsafeMutableBufferPointer { gyb in
                let src = s.baseAddress!, px = gxb.baseAddress!, py = gyb.baseAddress!
                parallelChunks(h, minChunk: 16) { rows in
                    for y in rows {
                        let r = src + y * w
                        let up = src + max(y - 1, 0) * w, dn = src + min(y + 1, h - 1) * w
                        let sy: Float = (y == 0 || y == h - 1) ? (h > 1 ? 1 : 0) : 0.5
                        let ox = px + y * w, oy = py + y * w
                        if w > 1 {
                            ox[0] = r[1] - r[0]; ox[w - 1] = r[w - 1] - r[w - 2]
                            for x in 1..<max(1, w - 1) { ox[x] = 0.5 * (r[x + 1] - r[x - 1]) }
                        } else { ox[0] = 0 }
                        for x in 0..<w { oy[x] = sy * (dn[x] - up[x]) }
                    }
                }
            }}
        }
        return (gx, gy)
    }

    /// Elementwise map, in parallel.
    public func map(_ f: (Float) -> Float) -> Plane {
        var out = Plane(uninitializedWidth: width, height: height)
        data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                let src = s.baseAddress!, dst = d.baseAddress!
                parallelChunks(s.count, minChunk: 16384) { r in for i in r { dst[i] = f(src[i]) } }
            }
        }
        return out
    }
}

/// Horizontal running box means of `count` (1…4) consecutive rows of width `w`, clamped borders.
/// Same sums in the same order as a plain per-row loop; the border segments are split off so the
/// interior reads without clamping.
@inline(__always)
private func boxRows(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ w: Int, _ r: Int,
                     _ norm: Float, _ count: Int) {
    var acc = SIMD4<Float>.zero
    @inline(__always) func at(_ x: Int) -> SIMD4<Float> {
        var v = SIMD4<Float>.zero
        for k in 0..<count { v[k] = src[k * w + x] }
        return v
    }
    for j in -r...r { acc += at(min(max(j, 0), w - 1)) }
    // Segment boundaries: x - r < 0 below lo, x + r + 1 > w - 1 from hi on.
    let lo = min(r, w), hi = max(lo, w - r - 1)
    var x = 0
    @inline(__always) func put(_ x: Int) { for k in 0..<count { dst[k * w + x] = acc[k] * norm } }
    while x < lo { put(x); acc += at(min(x + r + 1, w - 1)) - at(0); x += 1 }
    if count == 4 {
        let s0 = src, s1 = src + w, s2 = src + 2 * w, s3 = src + 3 * w
        let d0 = dst, d1 = dst + w, d2 = dst + 2 * w, d3 = dst + 3 * w
        var a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3]
        while x < hi {
            d0[x] = a0 * norm; d1[x] = a1 * norm; d2[x] = a2 * norm; d3[x] = a3 * norm
            let ia = x + r + 1, ib = x - r
            a0 += s0[ia] - s0[ib]; a1 += s1[ia] - s1[ib]; a2 += s2[ia] - s2[ib]; a3 += s3[ia] - s3[ib]
            x += 1
        }
        acc = SIMD4(a0, a1, a2, a3)
    } else {
        while x < hi { put(x); acc += at(x + r + 1) - at(x - r); x += 1 }
    }
    while x < w { put(x); acc += at(min(x + r + 1, w - 1)) - at(max(x - r, 0)); x += 1 }
}
