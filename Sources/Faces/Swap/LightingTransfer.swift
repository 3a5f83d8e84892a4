/// Moves the target's low-frequency shading onto the warped source: the source lightness is
/// multiplied by lowpass(target L) / lowpass(source L), both computed by normalised convolution
/// inside the statistics mask so eyes, mouth and background don't leak into the shading estimate.
enum LightingTransfer {
    /// Normalised-convolution low-pass of channel `ch` of `buf` under `mask`, evaluated on a grid
    /// reduced so the blur stays a few pixels wide; returns a full-size 1-channel buffer.
    static func lowpass(_ buf: RegionBuffer, channel ch: Int, mask: RegionBuffer, sigma: Float) -> RegionBuffer {
        let w = buf.width, h = buf.height, c = buf.channels
        let f = max(1, Int(sigma / 3))
        let sw = (w + f - 1) / f, sh = (h + f - 1) / f
        var vm = RegionBuffer(width: sw, height: sh, channels: 2)
        for y in 0..<h { for x in 0..<w {
            let m = mask.data[y * w + x]
            if m <= 0 { continue }
            let o = ((y / f) * sw + x / f) * 2
            vm.data[o] += buf.data[(y * w + x) * c + ch] * m
            vm.data[o + 1] += m
        } }
        let bl = RegionFilter.gaussian(vm, sigma: sigma / Float(f))
        var small = RegionBuffer(width: sw, height: sh, channels: 1, fill: .nan)
        for p in 0..<(sw * sh) where bl.data[2 * p + 1] > 1e-3 * Float(f * f) { small.data[p] = bl.data[2 * p] / bl.data[2 * p + 1] }
        // Upsample (pixel centres of the small grid at (i + 0.5)·f − 0.5).
        var out = RegionBuffer(width: w, height: h, channels: 1)
        for y in 0..<h {
            let fy = min(max((Float(y) + 0.5) / Float(f) - 0.5, 0), Float(sh - 1))
            let y0 = Int(fy), y1 = min(y0 + 1, sh - 1), ay = fy - Float(y0)
            for x in 0..<w {
                let fx = min(max((Float(x) + 0.5) / Float(f) - 0.5, 0), Float(sw - 1))
                let x0 = Int(fx), x1 = min(x0 + 1, sw - 1), ax = fx - Float(x0)
                let v00 = small.data[y0 * sw + x0], v10 = small.data[y0 * sw + x1]
                let v01 = small.data[y1 * sw + x0], v11 = small.data[y1 * sw + x1]
                let v = (v00 * (1 - ax) + v10 * ax) * (1 - ay) + (v01 * (1 - ax) + v11 * ax) * ay
                out.data[y * w + x] = v.isNaN ? (v00.isNaN ? (v11.isNaN ? .nan : v11) : v00) : v
            }
        }
        return out
    }

    /// Scales source L (channel 0 of the Lab buffer `srcLab`) by the clamped shading ratio where `apply` > 0.
    static func apply(srcLab: inout RegionBuffer, targetLab: RegionBuffer, statsMask: RegionBuffer,
                      apply region: RegionBuffer, sigma: Float) {
        let ls = lowpass(srcLab, channel: 0, mask: statsMask, sigma: sigma)
        let lt = lowpass(targetLab, channel: 0, mask: statsMask, sigma: sigma)
        for p in 0..<(srcLab.width * srcLab.height) where region.data[p] > 0 {
            let a = lt.data[p], b = ls.data[p]
            guard a.isFinite, b.isFinite, b > 1 else { continue }
            let r = min(max(a / b, 0.6), 1.6)
            srcLab.data[3 * p] = min(srcLab.data[3 * p] * r, 100)
        }
    }
}
