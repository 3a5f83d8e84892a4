import Imaging

/// Poisson seamless cloning by membrane interpolation (Farbman et al. 2009's observation): the
/// Poisson clone equals the source plus the harmonic function that takes the value target − source on
/// the region's boundary. That function is smooth, so it is solved by Imaging's Poisson solver on a grid
/// about 48 cells across and upsampled, which costs the same for any face size (the full-resolution
/// solve took 0.5 s per frame on a 250-pixel face).
enum PoissonMembrane {
    /// Cells across the coarse grid's longer side.
    static let coarseCells = 48

    /// `source` cloned into `target` inside `region` (> 0.5), all three of the same size. `trust`
    /// (1 channel, optional) marks the target pixels that look like the face's skin; seam cells
    /// without it (hair, a hand, dark background) take the median of the trusted ones.
    static func clone(source: RegionBuffer, target: RegionBuffer, region: RegionBuffer, trust: RegionBuffer? = nil) -> RegionBuffer {
        let w = source.width, h = source.height
        let f = max(1, Int((Float(max(w, h)) / Float(coarseCells)).rounded(.up)))
        let diff = target.subtracting(source)
        // A coarse cell is inside only when all of it is: its outside neighbours then carry the seam's values.
        var inside = RegionFilter.decimate(region, f)
        for i in inside.data.indices { inside.data[i] = inside.data[i] > 0.999 ? 1 : 0 }
        var seam = RegionFilter.decimate(diff, f)
        robustSeam(&seam, inside: inside, trust: trust.map { RegionFilter.decimate($0, f) })
        let zero = RegionBuffer(width: seam.width, height: seam.height, channels: seam.channels)
        let membrane = Image.poissonBlended(source: zero, target: seam, mask: inside)
        let up = f == 1 ? membrane : RegionFilter.upsample(membrane, factor: f, width: w, height: h)
        var out = source.adding(up)
        // Outside the region the target itself (the caller's mask blends the edge).
        out = Image.mixed(out, target, mask: region)
        return out
    }

    /// Makes the seam values (the cells just outside the region, which the solve reads) relative to
    /// their median and clamps them to ± 2 robust spreads, per channel. The face's overall colour
    /// and light are already the target's (statistics and lighting transfer); a seam median that is
    /// not zero comes from what the seam crosses (hair, shading at the face's edge, a dark background),
    /// and solved as it is it spread over the whole face as a dark or tinted blotch. So the membrane
    /// only removes the seam's local mismatch; untrusted cells (not skin-like) ask for no correction.
    static func robustSeam(_ seam: inout RegionBuffer, inside: RegionBuffer, trust: RegionBuffer?) {
        let w = seam.width, h = seam.height, c = seam.channels
        var ring: [Int] = []
        for y in 0..<h { for x in 0..<w where inside.data[y * w + x] == 0 {
            let near = (x > 0 && inside.data[y * w + x - 1] > 0) || (x + 1 < w && inside.data[y * w + x + 1] > 0)
                || (y > 0 && inside.data[(y - 1) * w + x] > 0) || (y + 1 < h && inside.data[(y + 1) * w + x] > 0)
            if near { ring.append(y * w + x) }
        } }
        guard ring.count >= 8 else { return }
        let trusted = trust.map { t in ring.filter { t.data[$0] >= 0.5 } } ?? ring
        let basis = trusted.count >= 8 ? trusted : ring
        for ch in 0..<c {
            var v = basis.map { seam.data[$0 * c + ch] }
            let m = OcclusionMask.median(&v)
            var dev = v.map { abs($0 - m) }
            let spread = max(1.4826 * OcclusionMask.median(&dev), 1.0 / 255)
            for p in ring {
                let untrusted = trust.map { $0.data[p] < 0.5 } ?? false
                seam.data[p * c + ch] = untrusted && basis.count == trusted.count ? 0
                    : min(max(seam.data[p * c + ch] - m, -2 * spread), 2 * spread)
            }
        }
    }
}
