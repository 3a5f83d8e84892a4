/// Laplacian-pyramid blending of two region buffers under a soft mask (Burt & Adelson 1983):
/// each frequency band is mixed with a correspondingly blurred mask, so low frequencies blend over
/// wide transitions and fine detail over narrow ones — no visible seam, no ghosting.
enum PyramidBlend {
    /// Binomial [1 4 6 4 1]/16 blur then 2× decimation (pixel centres at 2i + 0.5).
    static func down(_ b: RegionBuffer) -> RegionBuffer {
        let blurred = RegionFilter.separable(b, kernel: [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16])
        let w = (b.width + 1) / 2, h = (b.height + 1) / 2, c = b.channels
        var out = RegionBuffer(width: w, height: h, channels: c)
        for y in 0..<h {
            let sy = min(2 * y, b.height - 1)
            for x in 0..<w {
                let sx = min(2 * x, b.width - 1)
                for ch in 0..<c { out.data[(y * w + x) * c + ch] = blurred.data[(sy * b.width + sx) * c + ch] }
            }
        }
        return out
    }

    /// Bilinear 2× upsampling to exactly `width`×`height` (inverse of `down`'s sampling grid).
    static func up(_ b: RegionBuffer, width: Int, height: Int) -> RegionBuffer {
        let c = b.channels
        var out = RegionBuffer(width: width, height: height, channels: c)
        b.data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                for y in 0..<height {
                    let fy = min(Float(y) / 2, Float(b.height - 1))
                    let y0 = min(Int(fy), max(b.height - 2, 0)), ay = b.height > 1 ? fy - Float(y0) : 0
                    let y1 = min(y0 + 1, b.height - 1)
                    for x in 0..<width {
                        let fx = min(Float(x) / 2, Float(b.width - 1))
                        let x0 = min(Int(fx), max(b.width - 2, 0)), ax = b.width > 1 ? fx - Float(x0) : 0
                        let x1 = min(x0 + 1, b.width - 1)
                        for ch in 0..<c {
                            let t = s[(y0 * b.width + x0) * c + ch] * (1 - ax) + s[(y0 * b.width + x1) * c + ch] * ax
                            let u = s[(y1 * b.width + x0) * c + ch] * (1 - ax) + s[(y1 * b.width + x1) * c + ch] * ax
                            d[(y * width + x) * c + ch] = t * (1 - ay) + u * ay
                        }
                    }
                }
            }
        }
        return out
    }

    /// Blends `fg` over `bg` (both 3-channel) with `mask` (1-channel, 0...1) using `levels` bands.
    static func blend(fg: RegionBuffer, bg: RegionBuffer, mask: RegionBuffer, levels: Int) -> RegionBuffer {
        var ga = [fg], gb = [bg], gm = [mask]
        for _ in 1..<max(levels, 1) {
            guard let last = ga.last, last.width >= 8, last.height >= 8 else { break }
            ga.append(down(last)); gb.append(down(gb.last!)); gm.append(down(gm.last!))
        }
        let n = ga.count
        // Coarsest level: plain mix of the Gaussian levels.
        var acc = mix(ga[n - 1], gb[n - 1], gm[n - 1])
        for l in stride(from: n - 2, through: 0, by: -1) {
            let w = ga[l].width, h = ga[l].height
            let ua = up(ga[l + 1], width: w, height: h), ub = up(gb[l + 1], width: w, height: h)
            var la = ga[l], lb = gb[l]
            for i in la.data.indices { la.data[i] -= ua.data[i]; lb.data[i] -= ub.data[i] }
            let band = mix(la, lb, gm[l])
            var next = up(acc, width: w, height: h)
            for i in next.data.indices { next.data[i] += band.data[i] }
            acc = next
        }
        return acc
    }

    static func mix(_ a: RegionBuffer, _ b: RegionBuffer, _ m: RegionBuffer) -> RegionBuffer {
        var out = b
        let c = a.channels
        for p in 0..<(a.width * a.height) {
            let t = m.data[p]
            if t == 0 { continue }
            for ch in 0..<c { out.data[p * c + ch] = b.data[p * c + ch] + (a.data[p * c + ch] - b.data[p * c + ch]) * t }
        }
        return out
    }
}
