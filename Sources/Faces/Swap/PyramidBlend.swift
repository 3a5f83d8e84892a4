/// Laplacian-pyramid blending of two region buffers under a soft mask (Burt & Adelson 1983):
/// each frequency band is mixed with a correspondingly blurred mask, so low frequencies blend over
/// wide transitions and fine detail over narrow ones — no visible seam, no ghosting.
enum PyramidBlend {
    /// Binomial [1 4 6 4 1]/16 blur then 2× decimation (output pixel i sits on input pixel 2i),
    /// computing only the samples that survive the decimation.
    static func down(_ b: RegionBuffer) -> RegionBuffer {
        let w = b.width, h = b.height, c = b.channels
        let ow = (w + 1) / 2, oh = (h + 1) / 2
        var hp = RegionBuffer(width: ow, height: h, channels: c)
        var out = RegionBuffer(width: ow, height: oh, channels: c)
        let k: (Float, Float, Float) = (1 / 16, 4 / 16, 6 / 16)
        b.data.withUnsafeBufferPointer { sb in
            hp.data.withUnsafeMutableBufferPointer { db in
              let s = SharedPointer(sb), d = SharedMutablePointer(db)
              parallelBands(h, bands: 2) { lo, hi in
                for y in lo..<hi {
                    let row = y * w * c, orow = y * ow * c
                    for x in 0..<ow {
                        let cx = 2 * x
                        let xm2 = max(cx - 2, 0) * c, xm1 = max(cx - 1, 0) * c, x0 = cx * c
                        let xp1 = min(cx + 1, w - 1) * c, xp2 = min(cx + 2, w - 1) * c
                        for ch in 0..<c {
                            d[orow + x * c + ch] = k.0 * (s[row + xm2 + ch] + s[row + xp2 + ch])
                                + k.1 * (s[row + xm1 + ch] + s[row + xp1 + ch]) + k.2 * s[row + x0 + ch]
                        }
                    }
                }
              }
            }
        }
        let rl = ow * c
        hp.data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                for y in 0..<oh {
                    let cy = 2 * y
                    let rm2 = max(cy - 2, 0) * rl, rm1 = max(cy - 1, 0) * rl, r0 = cy * rl
                    let rp1 = min(cy + 1, h - 1) * rl, rp2 = min(cy + 2, h - 1) * rl, o = y * rl
                    for i in 0..<rl {
                        d[o + i] = k.0 * (s[rm2 + i] + s[rp2 + i]) + k.1 * (s[rm1 + i] + s[rp1 + i]) + k.2 * s[r0 + i]
                    }
                }
            }
        }
        return out
    }

    /// Bilinear 2× upsampling to exactly `width`×`height` (inverse of `down`'s sampling grid): even
    /// output samples sit on input samples, odd ones average their two neighbours, so each source row
    /// is expanded horizontally once and output rows are copies or averages of two expanded rows.
    static func up(_ b: RegionBuffer, width: Int, height: Int) -> RegionBuffer {
        let c = b.channels, bw = b.width, bh = b.height, rl = width * c
        var out = RegionBuffer(width: width, height: height, channels: c)
        var rows = [Float](repeating: 0, count: bh * rl)
        b.data.withUnsafeBufferPointer { s in
            rows.withUnsafeMutableBufferPointer { r in
                for y in 0..<bh {
                    let si = y * bw * c, ro = y * rl
                    for x in 0..<width {
                        let x0 = min(x >> 1, bw - 1), x1 = min(x0 + 1, bw - 1)
                        if x & 1 == 0 {
                            for ch in 0..<c { r[ro + x * c + ch] = s[si + x0 * c + ch] }
                        } else {
                            for ch in 0..<c { r[ro + x * c + ch] = 0.5 * (s[si + x0 * c + ch] + s[si + x1 * c + ch]) }
                        }
                    }
                }
            }
        }
        rows.withUnsafeBufferPointer { rb in
            out.data.withUnsafeMutableBufferPointer { db in
                let r = SharedPointer(rb), d = SharedMutablePointer(db)
                parallelBands(height, bands: 2) { lo, hi in
                    for y in lo..<hi {
                        let y0 = min(y >> 1, bh - 1), y1 = min(y0 + 1, bh - 1), o = y * rl
                        let a = y0 * rl, bb = y1 * rl
                        if y & 1 == 0 {
                            for i in 0..<rl { d[o + i] = r[a + i] }
                        } else {
                            for i in 0..<rl { d[o + i] = 0.5 * (r[a + i] + r[bb + i]) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Blends `fg` over `bg` (both 3-channel) with `mask` (1-channel, 0...1) using `levels` bands.
    ///
    /// The Laplacian pyramid is linear, so mixing the bands of fg and bg with the mask equals
    /// bg + collapse(mask_l · L_l(fg − bg)): one pyramid instead of two, and bg is reproduced
    /// exactly wherever the mask pyramid is zero.
    static func blend(fg: RegionBuffer, bg: RegionBuffer, mask: RegionBuffer, levels: Int) -> RegionBuffer {
        var diff = fg
        sub(&diff.data, bg.data)
        var gd = [diff], gm = [mask]
        for _ in 1..<max(levels, 1) {
            guard let last = gd.last, last.width >= 8, last.height >= 8 else { break }
            gd.append(down(last)); gm.append(down(gm.last!))
        }
        let n = gd.count
        var acc = gd[n - 1]
        scale(&acc, by: gm[n - 1])
        for l in stride(from: n - 2, through: 0, by: -1) {
            let w = gd[l].width, h = gd[l].height
            let ud = up(gd[l + 1], width: w, height: h)
            var band = gd[l]
            sub(&band.data, ud.data)
            scale(&band, by: gm[l])
            var next = up(acc, width: w, height: h)
            add(&next.data, band.data)
            acc = next
        }
        var out = bg
        add(&out.data, acc.data)
        return out
    }

    static func sub(_ a: inout [Float], _ b: [Float]) {
        a.withUnsafeMutableBufferPointer { x in b.withUnsafeBufferPointer { y in for i in 0..<x.count { x[i] -= y[i] } } }
    }

    static func add(_ a: inout [Float], _ b: [Float]) {
        a.withUnsafeMutableBufferPointer { x in b.withUnsafeBufferPointer { y in for i in 0..<x.count { x[i] += y[i] } } }
    }

    /// Multiplies each pixel's channels by the 1-channel mask.
    static func scale(_ b: inout RegionBuffer, by m: RegionBuffer) {
        let c = b.channels
        b.data.withUnsafeMutableBufferPointer { d in
            m.data.withUnsafeBufferPointer { mm in
                for p in 0..<(b.width * b.height) { let t = mm[p]; for ch in 0..<c { d[p * c + ch] *= t } }
            }
        }
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
