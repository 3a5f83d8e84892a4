/// Masks over the swap region, built from target landmarks (region coordinates).
enum FaceMasks {
    /// Fills the polygon (even-odd rule, sampled at pixel centres) with `value` in a 1-channel buffer.
    static func fill(_ buf: inout RegionBuffer, polygon: [SIMD2<Float>], value: Float) {
        let w = buf.width, h = buf.height, n = polygon.count
        guard n >= 3 else { return }
        var ylo = Float.infinity, yhi = -Float.infinity
        for p in polygon { ylo = min(ylo, p.y); yhi = max(yhi, p.y) }
        let y0 = max(0, Int(ylo.rounded(.up))), y1 = min(h - 1, Int(yhi.rounded(.down)))
        guard y0 <= y1 else { return }
        var xs: [Float] = []
        buf.data.withUnsafeMutableBufferPointer { d in
            for y in y0...y1 {
                let fy = Float(y)
                xs.removeAll(keepingCapacity: true)
                for i in 0..<n {
                    let a = polygon[i], b = polygon[(i + 1) % n]
                    if (a.y <= fy) != (b.y <= fy) { xs.append(a.x + (fy - a.y) / (b.y - a.y) * (b.x - a.x)) }
                }
                xs.sort()
                var k = 0
                while k + 1 < xs.count {
                    let x0 = max(0, Int(xs[k].rounded(.up))), x1 = min(w - 1, Int(xs[k + 1].rounded(.down)))
                    if x0 <= x1 { for x in x0...x1 { d[y * w + x] = value } }
                    k += 2
                }
            }
        }
    }

    /// The landmark polygon `indices` in region coordinates, scaled about its centroid by `scale`.
    static func polygon(_ pts: [SIMD3<Float>], _ indices: [Int], scale: Float, origin: PixelRect) -> [SIMD2<Float>] {
        var c = SIMD2<Float>(0, 0)
        for i in indices { c += SIMD2(pts[i].x, pts[i].y) }
        c /= Float(indices.count)
        let o = SIMD2(Float(origin.x), Float(origin.y))
        return indices.map { i in c + (SIMD2(pts[i].x, pts[i].y) - c) * scale - o }
    }

    /// The smallest rectangle holding every positive sample of a 1-channel buffer (nil when none).
    static func bounds(_ m: RegionBuffer) -> PixelRect? {
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        m.data.withUnsafeBufferPointer { d in
            for y in 0..<m.height {
                let row = y * m.width
                var first = -1, last = -1
                for x in 0..<m.width where d[row + x] > 0 { if first < 0 { first = x }; last = x }
                if first >= 0 { x0 = min(x0, first); x1 = max(x1, last); y0 = min(y0, y); y1 = y }
            }
        }
        return x1 < 0 ? nil : PixelRect(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    /// `image` with only the pixels inside `box` passed through `convert` (a per-pixel colour
    /// conversion); the rest is left as it is. Converting the whole image when `box` is nil.
    static func converting(_ image: RegionBuffer, in box: PixelRect?, _ convert: (RegionBuffer) -> RegionBuffer) -> RegionBuffer {
        guard let b = box, b.area < image.width * image.height else { return convert(image) }
        var out = image
        out.paste(convert(image.cropped(x: b.x, y: b.y, width: b.width, height: b.height)), x: b.x, y: b.y)
        return out
    }

    /// Multiplies two 1-channel buffers in place (`a *= b`).
    static func intersect(_ a: inout RegionBuffer, _ b: RegionBuffer) {
        for i in a.data.indices { a.data[i] *= b.data[i] }
    }

    /// Shrinks a binary mask by `radius` pixels (a pixel survives when a blurred copy stays near 1).
    static func erode(_ m: RegionBuffer, radius: Float) -> RegionBuffer {
        guard radius >= 1 else { return m }
        var b = RegionFilter.gaussian(m, sigma: radius / 2)
        for i in b.data.indices { b.data[i] = (b.data[i] > 0.97 && m.data[i] > 0) ? 1 : 0 }
        return b
    }
}
