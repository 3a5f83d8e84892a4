import Foundation

/// Mean and standard deviation of the three Lab channels inside a mask.
public struct LabStats: Sendable, Equatable {
    /// Channel means (L, a, b).
    public var mean: SIMD3<Float>
    /// Channel standard deviations (L, a, b), floored at a small positive value.
    public var std: SIMD3<Float>
    /// Creates statistics.
    public init(mean: SIMD3<Float>, std: SIMD3<Float>) { self.mean = mean; self.std = std }

    /// Exponential moving average towards `new` with weight `alpha` for the new value.
    public func blended(toward new: LabStats, alpha: Float) -> LabStats {
        LabStats(mean: mean + (new.mean - mean) * alpha, std: std + (new.std - std) * alpha)
    }
}

/// sRGB ↔ CIE Lab (D65) on region buffers, and Reinhard-style statistics transfer.
enum LabColor {
    /// sRGB-encoded 0...1 → linear, through a 4096-entry table (error < 1e-3).
    static let toLinear: [Float] = (0...4096).map { i in
        let v = Float(i) / 4096
        return v <= 0.04045 ? v / 12.92 : powf((v + 0.055) / 1.055, 2.4)
    }

    @inline(__always) static func lin(_ v: Float, _ t: UnsafeBufferPointer<Float>) -> Float {
        let f = min(max(v, 0), 1) * 4096
        let i = min(Int(f), 4095), r = f - Float(i)
        return t[i] + (t[i + 1] - t[i]) * r
    }

    /// Cube root on 0...1.25 tabulated (used only above 0.008856, where it is smooth; error < 1e-5).
    static let cbrtTable: [Float] = (0...4096).map { cbrtf(Float($0) / 4096 * 1.25) }

    @inline(__always) static func f(_ t: Float, _ tab: UnsafeBufferPointer<Float>) -> Float {
        guard t > 0.008856 else { return 7.787 * t + 16 / 116 }
        guard t < 1.25 else { return cbrtf(t) }
        let u = t * (4096 / 1.25)
        let i = Int(u), r = u - Float(i)
        return tab[i] + (tab[i + 1] - tab[i]) * r
    }
    @inline(__always) static func finv(_ t: Float) -> Float { t > 0.206893 ? t * t * t : (t - 16 / 116) / 7.787 }
    /// Linear → sRGB-encoded, tabulated over √v (dense where the curve is steep; error < 1e-4).
    static let toGamma: [Float] = (0...4096).map { i in
        let t = Float(i) / 4096, v = t * t
        return v <= 0.0031308 ? 12.92 * v : 1.055 * powf(v, 1 / 2.4) - 0.055
    }

    @inline(__always) static func gamma(_ v: Float, _ t: UnsafeBufferPointer<Float>) -> Float {
        let f = min(max(v, 0), 1).squareRoot() * 4096
        let i = min(Int(f), 4095), r = f - Float(i)
        return t[i] + (t[i + 1] - t[i]) * r
    }

    /// Converts RGB samples to Lab in place for pixels where `mask` (1 channel) is positive.
    static func rgbToLab(_ buf: inout RegionBuffer, where mask: RegionBuffer) {
        let n = buf.width * buf.height
        toLinear.withUnsafeBufferPointer { tb in
          cbrtTable.withUnsafeBufferPointer { cbb in
            mask.data.withUnsafeBufferPointer { mb in
              buf.data.withUnsafeMutableBufferPointer { db in
                let t = SharedPointer(tb), cb = SharedPointer(cbb), m = SharedPointer(mb), d = SharedMutablePointer(db)
                parallelBands(n) { lo, hi in
                    let tt = UnsafeBufferPointer(start: t.base, count: 4097), cc = UnsafeBufferPointer(start: cb.base, count: 4097)
                    for p in lo..<hi where m[p] > 0 {
                        let r = lin(d[3 * p], tt), g = lin(d[3 * p + 1], tt), b = lin(d[3 * p + 2], tt)
                        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
                        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
                        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
                        let fx = f(x, cc), fy = f(y, cc), fz = f(z, cc)
                        d[3 * p] = 116 * fy - 16; d[3 * p + 1] = 500 * (fx - fy); d[3 * p + 2] = 200 * (fy - fz)
                    }
                }
              }
            }
          }
        }
    }

    /// Converts Lab samples back to sRGB 0...1 in place where `mask` is positive.
    static func labToRGB(_ buf: inout RegionBuffer, where mask: RegionBuffer) {
        let n = buf.width * buf.height
        toGamma.withUnsafeBufferPointer { tb in
            mask.data.withUnsafeBufferPointer { mb in
              buf.data.withUnsafeMutableBufferPointer { db in
                let t = SharedPointer(tb), m = SharedPointer(mb), d = SharedMutablePointer(db)
                parallelBands(n) { lo, hi in
                    let tt = UnsafeBufferPointer(start: t.base, count: 4097)
                    for p in lo..<hi where m[p] > 0 {
                        let fy = (d[3 * p] + 16) / 116, fx = fy + d[3 * p + 1] / 500, fz = fy - d[3 * p + 2] / 200
                        let x = finv(fx) * 0.95047, y = finv(fy), z = finv(fz) * 1.08883
                        let r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
                        let g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
                        let b = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
                        d[3 * p] = gamma(r, tt); d[3 * p + 1] = gamma(g, tt); d[3 * p + 2] = gamma(b, tt)
                    }
                }
              }
            }
        }
    }

    /// Lab statistics of `lab` over pixels where `mask` > 0.5 (nil when fewer than 16 pixels qualify).
    static func stats(_ lab: RegionBuffer, mask: RegionBuffer) -> LabStats? {
        var s = SIMD3<Double>(0, 0, 0), s2 = SIMD3<Double>(0, 0, 0), n = 0.0
        for p in 0..<(lab.width * lab.height) where mask.data[p] > 0.5 {
            let v = SIMD3(Double(lab.data[3 * p]), Double(lab.data[3 * p + 1]), Double(lab.data[3 * p + 2]))
            s += v; s2 += v * v; n += 1
        }
        guard n >= 16 else { return nil }
        let m = s / n
        let varr = (s2 / n - m * m)
        let sd = SIMD3(Float(max(varr.x, 0).squareRoot()), Float(max(varr.y, 0).squareRoot()), Float(max(varr.z, 0).squareRoot()))
        return LabStats(mean: SIMD3(Float(m.x), Float(m.y), Float(m.z)), std: pointwiseMax(sd, SIMD3(repeating: 0.5)))
    }

    /// Maps Lab samples so `from` statistics become `to` (per channel: (x − μs)·σt/σs + μt); the
    /// gain is clamped to 0.5...2 so a bad frame's statistics cannot blow up the colours.
    static func transfer(_ lab: inout RegionBuffer, where mask: RegionBuffer, from: LabStats, to: LabStats) {
        let gain = pointwiseMin(pointwiseMax(to.std / from.std, SIMD3(repeating: 0.5)), SIMD3(repeating: 2))
        lab.data.withUnsafeMutableBufferPointer { d in
            for p in 0..<(lab.width * lab.height) where mask.data[p] > 0 {
                for c in 0..<3 { d[3 * p + c] = (d[3 * p + c] - from.mean[c]) * gain[c] + to.mean[c] }
            }
        }
    }
}
