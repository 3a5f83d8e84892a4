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

    /// Bilinear sample of a decimated grid at full-resolution pixel (x, y); NaN neighbours fall back to a valid corner.
    @inline(__always) static func sample(_ g: RegionBuffer, _ f: Int, _ x: Int, _ y: Int) -> Float {
        let sw = g.width, sh = g.height
        let fy = min(max((Float(y) + 0.5) / Float(f) - 0.5, 0), Float(sh - 1))
        let fx = min(max((Float(x) + 0.5) / Float(f) - 0.5, 0), Float(sw - 1))
        let y0 = Int(fy), y1 = min(y0 + 1, sh - 1), ay = fy - Float(y0)
        let x0 = Int(fx), x1 = min(x0 + 1, sw - 1), ax = fx - Float(x0)
        let v00 = g.data[y0 * sw + x0], v10 = g.data[y0 * sw + x1], v01 = g.data[y1 * sw + x0], v11 = g.data[y1 * sw + x1]
        let v = (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay
        return v.isNaN ? (v00.isNaN ? v11 : v00) : v
    }

    /// Scales source L (channel 0 of the Lab buffer `srcLab`) by the clamped shading ratio where `apply` > 0.
    static func apply(srcLab: inout RegionBuffer, targetLab: RegionBuffer, statsMask: RegionBuffer,
                      apply region: RegionBuffer, sigma: Float) {
        let (ls, f) = lowpass(srcLab, channel: 0, mask: statsMask, sigma: sigma)
        let (lt, _) = lowpass(targetLab, channel: 0, mask: statsMask, sigma: sigma)
        let w = srcLab.width
        for y in 0..<srcLab.height { for x in 0..<w where region.data[y * w + x] > 0 {
            let a = sample(lt, f, x, y), b = sample(ls, f, x, y)
            guard a.isFinite, b.isFinite, b > 1 else { continue }
            let r = min(max(a / b, 0.6), 1.6), p = y * w + x
            srcLab.data[3 * p] = min(srcLab.data[3 * p] * r, 100)
        } }
    }
}
