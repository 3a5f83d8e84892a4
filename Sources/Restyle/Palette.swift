import Foundation
import Flow

/// Built-in palettes for the `palette` style.
public enum PalettePreset: String, Sendable, CaseIterable, Codable {
    /// Woodblock-print colours: Prussian blue, indigo, vermilion, ochre, washi cream, sumi black, sage, pale blue.
    case ukiyoE = "ukiyo-e"
    /// Four greens of an early handheld console screen.
    case gameboy
    /// Soft pastels.
    case pastel

    /// The palette's sRGB colours.
    public var colors: [SIMD3<Float>] {
        func c(_ hex: UInt32) -> SIMD3<Float> {
            SIMD3(Float((hex >> 16) & 255), Float((hex >> 8) & 255), Float(hex & 255)) / 255
        }
        switch self {
        case .ukiyoE: return [0x1f3a5f, 0x2b2f4a, 0xc8442e, 0xd8a657, 0xefe4c8, 0x1a1a1a, 0x7d9a7a, 0x9fbcd0, 0x8c5a3c].map(c)
        case .gameboy: return [0x0f380f, 0x306230, 0x8bac0f, 0x9bbc0f].map(c)
        case .pastel: return [0xf8b4c4, 0xfcd5b5, 0xfff1b6, 0xc1e7c1, 0xb5d8f8, 0xd7c4f2, 0xfafafa, 0x6c6f86].map(c)
        }
    }
}

/// A small set of colours, stored in Lab.
public struct Palette: Sendable, Equatable {
    /// Colours in CIE Lab.
    public var lab: [SIMD3<Float>]

    /// A palette from sRGB colours.
    public init(srgb: [SIMD3<Float>]) { lab = srgb.map { RGBPlanes.lab($0) } }

    /// A preset palette.
    public init(preset: PalettePreset) { self.init(srgb: preset.colors) }

    /// The `count` dominant colours of an image: k-means in Lab over at most 8192 evenly spaced
    /// pixels, deterministic farthest-point initialisation, 25 Lloyd iterations.
    public init(kMeansOf rgb: [Plane], count: Int) {
        let n = rgb[0].count
        let step = max(1, n / 8192)
        var pts: [SIMD3<Float>] = []
        pts.reserveCapacity(n / step + 1)
        var i = 0
        while i < n {
            pts.append(RGBPlanes.lab(SIMD3(rgb[0].data[i], rgb[1].data[i], rgb[2].data[i]))); i += step
        }
        lab = KMeans.cluster(pts, k: count, iterations: 25)
    }

    /// Sorted by lightness, as sRGB (for reports and previews).
    public var srgb: [SIMD3<Float>] { lab.sorted { $0.x < $1.x }.map { RGBPlanes.rgb(lab: $0) } }
}

/// Lloyd's k-means on 3-vectors.
enum KMeans {
    static func cluster(_ pts: [SIMD3<Float>], k: Int, iterations: Int) -> [SIMD3<Float>] {
        guard !pts.isEmpty, k > 0 else { return [] }
        let mean = pts.reduce(SIMD3<Float>.zero, +) / Float(pts.count)
        // Farthest-point seeding: start near the mean, then keep adding the worst-served point.
        var centres = [pts.min { simd_len2($0 - mean) < simd_len2($1 - mean) }!]
        var best = pts.map { simd_len2($0 - centres[0]) }
        while centres.count < min(k, pts.count) {
            let j = best.indices.max { best[$0] < best[$1] }!
            if best[j] <= 0 { break }
            centres.append(pts[j])
            for i in pts.indices { best[i] = min(best[i], simd_len2(pts[i] - pts[j])) }
        }
        var assign = [Int](repeating: 0, count: pts.count)
        for _ in 0..<iterations {
            var changed = false
            for (i, p) in pts.enumerated() {
                var bj = 0, bd = Float.infinity
                for (j, c) in centres.enumerated() { let d = simd_len2(p - c); if d < bd { bd = d; bj = j } }
                if assign[i] != bj { assign[i] = bj; changed = true }
            }
            var sums = [SIMD3<Float>](repeating: .zero, count: centres.count), counts = [Int](repeating: 0, count: centres.count)
            for (i, p) in pts.enumerated() { sums[assign[i]] += p; counts[assign[i]] += 1 }
            for j in centres.indices where counts[j] > 0 { centres[j] = sums[j] / Float(counts[j]) }
            if !changed { break }
        }
        return centres
    }
}

@inline(__always) func simd_len2(_ v: SIMD3<Float>) -> Float { (v * v).sum() }

/// Parameters of the palette look.
public struct PaletteParameters: Sendable, Equatable {
    /// Guided-filter radius of the pre-smoothing.
    public var smoothRadius = 3
    /// Guided-filter regulariser.
    public var smoothEps: Float = 0.01
    /// Softness of the assignment, in Lab units (soft nearest colour: weights exp(−d²/2σ²)).
    public var softness: Float = 6
    /// Outline strength (woodblock key lines), drawn on a lightly smoothed luma (one guided-filter
    /// pass of `lineSmoothRadius` and `lineSmoothEps`) so eyes and mouth keep their lines.
    public var lineStrength: Float = 0.7
    /// See `lineStrength`.
    public var lineSmoothRadius = 2
    /// See `lineStrength`.
    public var lineSmoothEps: Float = 0.003

    /// Creates the defaults listed above.
    public init() {}
}

/// Maps every pixel onto a palette in Lab with a soft nearest-colour rule, after edge-preserving
/// smoothing, with key lines from XDoG. Lightness is matched with the palette's range first so
/// dark and bright footage both use the whole palette. Works at half size.
public struct PaletteStylizer: Stylizer {
    /// Detail put back over the coherence carry (measured on bikes / bigbuckbunny; see the README).
    public var coherenceDetailRestore: Float { 0.35 }
    /// 5×5 box: measured better than 3×3 for this look.
    public var coherenceDetailRadius: Int { 2 }
    /// Target colours.
    public var palette: Palette
    /// The look's parameters.
    public var parameters: PaletteParameters
    /// Processed at half size.
    public var reduction: Int { 2 }
    /// Small frames (long side under 640) are processed at full size, so faces keep their pixels.
    public func reduction(forWidth width: Int, height: Int) -> Int { SmallFrames.reduction(width, height) }

    /// Creates the styliser.
    public init(palette: Palette, parameters: PaletteParameters = PaletteParameters()) {
        self.palette = palette; self.parameters = parameters
    }

    /// Stylises one frame.
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let p = parameters
        let smooth = GuidedFilter.smooth(rgb, radius: SmallFrames.scaled(p.smoothRadius, rgb), eps: p.smoothEps, iterations: 1)
        let ink = XDoG().lines(GuidedFilter.lineLuma(RGBPlanes.luma(rgb), radius: p.lineSmoothRadius, eps: p.lineSmoothEps))
        let lab = RGBPlanes.toLab(smooth)
        let cols = palette.lab
        let lmin = cols.map(\.x).min() ?? 0, lmax = cols.map(\.x).max() ?? 100
        let inv2s2 = 1 / (2 * p.softness * p.softness), ls = p.lineStrength
        let mapped = ink.data.withUnsafeBufferPointer { ip in
            cols.withUnsafeBufferPointer { cp in
                mapRGB(lab) { l, a, b, i in
                    let v = SIMD3(lmin + (lmax - lmin) * min(max(l, 0), 100) / 100, a, b)
                    var dmin = Float.infinity
                    for c in cp { dmin = min(dmin, simd_len2(v - c)) }
                    var acc = SIMD3<Float>.zero, wsum: Float = 0
                    for c in cp {
                        let wgt = expf(-(simd_len2(v - c) - dmin) * inv2s2)
                        acc += wgt * c; wsum += wgt
                    }
                    var o = acc / wsum
                    o.x *= 1 - ls * (1 - ip[i])
                    return (o.x, o.y, o.z)
                }
            }
        }
        return RGBPlanes.fromLab(mapped)
    }
}
