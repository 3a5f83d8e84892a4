/// Moves the target's low-frequency shading onto the warped source: the source lightness is
/// multiplied by lowpass(target L) / lowpass(source L), both computed by normalised convolution
/// inside the statistics mask so eyes, mouth and background don't leak into the shading estimate.
enum LightingTransfer {
    /// Normalised-convolution low-pass of channel `ch` of `buf` under `mask`, on a grid decimated by
    /// `factor` so the blur stays a few cells wide (NaN where the mask has no support).
    static func lowpass(_ buf: RegionBuffer, channel ch: Int, mask: RegionBuffer, sigma: Float) -> (RegionBuffer, Int) {
        let w = buf.width, h = buf.height, c = buf.channels
        let f = max(1, Int(sigma / 3))
        let sw = (w + f - 1) / f, sh = (h + f - 1) / f
        var vm = RegionBuffer(width: sw, height: sh, channels: 2)
        buf.data.withUnsafeBufferPointer { b in
            mask.data.withUnsafeBufferPointer { m in
                vm.data.withUnsafeMutableBufferPointer { v in
                    for y in 0..<h {
                        let sr = (y / f) * sw
                        for x in 0..<w {
                            let mv = m[y * w + x]
                            if mv <= 0 { continue }
                            let o = (sr + x / f) * 2
                            v[o] += b[(y * w + x) * c + ch] * mv
                            v[o + 1] += mv
                        }
                    }
                }
            }
        }
        let bl = RegionFilter.gaussian(vm, sigma: sigma / Float(f))
        var small = RegionBuffer(width: sw, height: sh, channels: 1, fill: .nan)
        for p in 0..<(sw * sh) where bl.data[2 * p + 1] > 1e-3 * Float(f * f) { small.data[p] = bl.data[2 * p] / bl.data[2 * p + 1] }
        return (small, f)
    }

    /// Bilinear sampling positions of a decimated grid (`n` samples, factor `f`) for each of `count`
    /// full-resolution positions: lower index, upper index, weight of the upper one.
    static func axis(count: Int, grid n: Int, factor f: Int) -> [(Int, Int, Float)] {
        (0..<count).map { x in
            let fx = min(max((Float(x) + 0.5) / Float(f) - 0.5, 0), Float(n - 1))
            let x0 = Int(fx)
            return (x0, min(x0 + 1, n - 1), fx - Float(x0))
        }
    }

    /// Scales source L (channel 0 of the Lab buffer `srcLab`) by the clamped shading ratio where `apply` > 0.
    /// Each low-pass is sampled bilinearly; a NaN neighbour (no mask support) falls back to a valid corner.
    static func apply(srcLab: inout RegionBuffer, targetLab: RegionBuffer, statsMask: RegionBuffer,
                      apply region: RegionBuffer, sigma: Float) {
        let (ls, f) = lowpass(srcLab, channel: 0, mask: statsMask, sigma: sigma)
        let (lt, _) = lowpass(targetLab, channel: 0, mask: statsMask, sigma: sigma)
        let w = srcLab.width, gw = ls.width
        let xs = axis(count: w, grid: gw, factor: f), ys = axis(count: srcLab.height, grid: ls.height, factor: f)
        @inline(__always) func sample(_ g: UnsafePointer<Float>, _ r0: Int, _ r1: Int, _ ay: Float, _ x: (Int, Int, Float)) -> Float {
            let (x0, x1, ax) = x
            let v00 = g[r0 + x0], v10 = g[r0 + x1], v01 = g[r1 + x0], v11 = g[r1 + x1]
            let v = (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay
            return v.isNaN ? (v00.isNaN ? v11 : v00) : v
        }
        ls.data.withUnsafeBufferPointer { sp in lt.data.withUnsafeBufferPointer { tp in
          region.data.withUnsafeBufferPointer { rp in srcLab.data.withUnsafeMutableBufferPointer { d in
            let s = sp.baseAddress!, t = tp.baseAddress!
            for y in 0..<srcLab.height {
                let (gy0, gy1, ay) = ys[y], r0 = gy0 * gw, r1 = gy1 * gw
                for x in 0..<w where rp[y * w + x] > 0 {
                    let a = sample(t, r0, r1, ay, xs[x]), b = sample(s, r0, r1, ay, xs[x])
                    guard a.isFinite, b.isFinite, b > 1 else { continue }
                    let r = min(max(a / b, 0.6), 1.6), p = y * w + x
                    d[3 * p] = min(d[3 * p] * r, 100)
                }
            }
          } }
        } }
    }
}
