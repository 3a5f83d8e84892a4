import Foundation
import Flow

/// sRGB (D65) ⇄ CIE Lab on planes. L in 0…100, a/b roughly −128…127.
public enum LabColor {
    /// sRGB-encoded 0…1 value to linear light, via a 4097-entry table with linear interpolation.
    static let toLinearTable: [Float] = (0...4096).map { i in
        let v = Double(i) / 4096
        return Float(v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4))
    }

    @inline(__always) static func toLinear(_ v: Float, _ t: UnsafePointer<Float>) -> Float {
        let x = min(max(v, 0), 1) * 4096
        let i = min(Int(x), 4095)
        let f = x - Float(i)
        return t[i] + (t[i + 1] - t[i]) * f
    }

    @inline(__always) static func toSRGB(_ l: Float) -> Float {
        let v = min(max(l, 0), 1)
        return v <= 0.0031308 ? 12.92 * v : 1.055 * powf(v, 1 / 2.4) - 0.055
    }

    @inline(__always) static func f(_ t: Float) -> Float {
        t > 0.008856452 ? cbrtf(t) : t * 7.787037 + 4.0 / 29.0
    }

    @inline(__always) static func finv(_ t: Float) -> Float {
        t > 0.20689655 ? t * t * t : (t - 4.0 / 29.0) / 7.787037
    }

    /// Converts one sRGB triple (0…1) to Lab.
    public static func lab(r: Float, g: Float, b: Float) -> SIMD3<Float> {
        toLinearTable.withUnsafeBufferPointer { t in labFast(r, g, b, t.baseAddress!) }
    }

    @inline(__always) static func labFast(_ r: Float, _ g: Float, _ b: Float, _ t: UnsafePointer<Float>) -> SIMD3<Float> {
        let lr = toLinear(r, t), lg = toLinear(g, t), lb = toLinear(b, t)
        let x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047
        let y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb
        let z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883
        let fx = f(x), fy = f(y), fz = f(z)
        return SIMD3(116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// Converts one Lab triple to sRGB 0…1 (clamped).
    public static func rgb(_ lab: SIMD3<Float>) -> SIMD3<Float> {
        let fy = (lab.x + 16) / 116, fx = fy + lab.y / 500, fz = fy - lab.z / 200
        let x = finv(fx) * 0.95047, y = finv(fy), z = finv(fz) * 1.08883
        let lr = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z
        let lg = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z
        let lb = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z
        return SIMD3(toSRGB(lr), toSRGB(lg), toSRGB(lb))
    }

    /// RGB planes to L, a, b planes.
    public static func toLab(_ rgb: [Plane]) -> [Plane] {
        toLinearTable.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress!
            return mapRGB(rgb) { r, g, b, _ in let v = labFast(r, g, b, t); return (v.x, v.y, v.z) }
        }
    }

    /// L, a, b planes to RGB planes.
    public static func fromLab(_ lab: [Plane]) -> [Plane] {
        mapRGB(lab) { l, a, b, _ in let v = rgb(SIMD3(l, a, b)); return (v.x, v.y, v.z) }
    }
}
