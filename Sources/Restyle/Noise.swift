import Flow

/// Deterministic value noise, fixed in image space (paper grain must not crawl between frames).
enum Noise {
    @inline(__always) static func hash(_ x: Int, _ y: Int, _ seed: UInt32) -> Float {
        var h = UInt32(truncatingIfNeeded: x) &* 0x8da6b343 ^ UInt32(truncatingIfNeeded: y) &* 0xd8163841 ^ seed &* 0xcb1ab31f
        h ^= h >> 13; h = h &* 0x5bd1e995; h ^= h >> 15
        return Float(h & 0xffffff) / Float(0xffffff)
    }

    /// Smoothly interpolated lattice noise in 0…1 with lattice spacing `cell` pixels.
    @inline(__always) static func value(_ x: Float, _ y: Float, cell: Float, seed: UInt32) -> Float {
        let fx = x / cell, fy = y / cell
        let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
        var tx = fx - Float(ix), ty = fy - Float(iy)
        tx = tx * tx * (3 - 2 * tx); ty = ty * ty * (3 - 2 * ty)
        let a = hash(ix, iy, seed), b = hash(ix + 1, iy, seed), c = hash(ix, iy + 1, seed), d = hash(ix + 1, iy + 1, seed)
        return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty
    }

    /// Paper texture plane: fibres (fine) plus cloudy density (coarse), mean ≈ 0.5, in 0…1.
    /// `pixelScale` is the size of one working pixel in full-resolution pixels, so the grain
    /// looks the same whatever the working size.
    static func paper(width: Int, height: Int, pixelScale: Float, seed: UInt32 = 7) -> Plane {
        var out = Plane(width: width, height: height)
        out.data.withUnsafeMutableBufferPointer { d in
            let p = d.baseAddress!
            forEachChunk(height, minChunk: 16) { rows in
                for y in rows {
                    for x in 0..<width {
                        let fx = Float(x) * pixelScale, fy = Float(y) * pixelScale
                        let fine = value(fx, fy, cell: 2.5, seed: seed)
                        let mid = value(fx, fy, cell: 9, seed: seed &+ 1)
                        let coarse = value(fx, fy, cell: 40, seed: seed &+ 2)
                        p[y * width + x] = 0.35 * fine + 0.35 * mid + 0.3 * coarse
                    }
                }
            }
        }
        return out
    }
}
