import Foundation

/// Conversions between sRGB-encoded RGB, linear RGB and CIE L*a*b* (D65 white).
///
/// The sRGB curve is the exact IEC 61966-2-1 piecewise function; it is applied
/// odd-symmetrically to negative values so out-of-gamut colours round-trip.
/// Lab uses the sRGB primaries' RGB→XYZ matrix and the D65 reference white
/// (Xn, Yn, Zn) = (0.95047, 1, 1.08883); L is in 0...100.
public enum ColorSpace {
    /// sRGB → XYZ matrix (rows), D65.
    static let rgbToXYZ: [Double] = [
        0.4124564, 0.3575761, 0.1804375,
        0.2126729, 0.7151522, 0.0721750,
        0.0193339, 0.1191920, 0.9503041,
    ]
    /// XYZ → sRGB matrix, the exact inverse of `rgbToXYZ` computed once in Double.
    static let xyzToRGB: [Double] = invert3x3(rgbToXYZ)
    /// D65 reference white.
    static let white: (x: Double, y: Double, z: Double) = (0.95047, 1.0, 1.08883)

    /// Decodes one sRGB-encoded value to linear light.
    @inlinable
    public static func srgbToLinear(_ v: Float) -> Float {
        let m = abs(v)
        let r = m <= 0.04045 ? m / 12.92 : powf((m + 0.055) / 1.055, 2.4)
        return v < 0 ? -r : r
    }

    /// Encodes one linear-light value with the sRGB curve.
    @inlinable
    public static func linearToSrgb(_ v: Float) -> Float {
        let m = abs(v)
        let r = m <= 0.0031308 ? m * 12.92 : 1.055 * powf(m, 1 / 2.4) - 0.055
        return v < 0 ? -r : r
    }

    /// Converts linear RGB to CIE Lab (D65).
    public static func linearRGBToLab(_ rgb: SIMD3<Float>) -> SIMD3<Float> {
        let m = rgbToXYZ
        let r = Double(rgb.x), g = Double(rgb.y), b = Double(rgb.z)
        let x = (m[0] * r + m[1] * g + m[2] * b) / white.x
        let y = (m[3] * r + m[4] * g + m[5] * b) / white.y
        let z = (m[6] * r + m[7] * g + m[8] * b) / white.z
        let fx = labF(x), fy = labF(y), fz = labF(z)
        return SIMD3(Float(116 * fy - 16), Float(500 * (fx - fy)), Float(200 * (fy - fz)))
    }

    /// Converts CIE Lab (D65) to linear RGB (not clamped).
    public static func labToLinearRGB(_ lab: SIMD3<Float>) -> SIMD3<Float> {
        let fy = (Double(lab.x) + 16) / 116
        let fx = fy + Double(lab.y) / 500
        let fz = fy - Double(lab.z) / 200
        let x = labFInverse(fx) * white.x
        let y = labFInverse(fy) * white.y
        let z = labFInverse(fz) * white.z
        let m = xyzToRGB
        return SIMD3(
            Float(m[0] * x + m[1] * y + m[2] * z),
            Float(m[3] * x + m[4] * y + m[5] * z),
            Float(m[6] * x + m[7] * y + m[8] * z))
    }

    /// Converts sRGB-encoded RGB to CIE Lab (D65).
    public static func srgbToLab(_ rgb: SIMD3<Float>) -> SIMD3<Float> {
        linearRGBToLab(SIMD3(srgbToLinear(rgb.x), srgbToLinear(rgb.y), srgbToLinear(rgb.z)))
    }

    /// Converts CIE Lab (D65) to sRGB-encoded RGB (not clamped).
    public static func labToSrgb(_ lab: SIMD3<Float>) -> SIMD3<Float> {
        let l = labToLinearRGB(lab)
        return SIMD3(linearToSrgb(l.x), linearToSrgb(l.y), linearToSrgb(l.z))
    }

    // CIE constants in their exact rational form: ε = 216/24389, κ = 24389/27.
    static let epsilon = 216.0 / 24389.0
    static let kappa = 24389.0 / 27.0

    @inline(__always)
    static func labF(_ t: Double) -> Double {
        t > epsilon ? cbrt(t) : (kappa * t + 16) / 116
    }

    @inline(__always)
    static func labFInverse(_ f: Double) -> Double {
        let f3 = f * f * f
        return f3 > epsilon ? f3 : (116 * f - 16) / kappa
    }

    static func invert3x3(_ m: [Double]) -> [Double] {
        let det = m[0] * (m[4] * m[8] - m[5] * m[7])
            - m[1] * (m[3] * m[8] - m[5] * m[6])
            + m[2] * (m[3] * m[7] - m[4] * m[6])
        return [
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
        ]
    }
}

extension Image {
    /// Decodes an sRGB-encoded image to linear light (alpha untouched).
    public func toLinear() -> Image {
        let cc = min(channels, 3), ch = channels
        return FastSRGB.decode.withUnsafeBufferPointer { t in
            transformedRows(cost: 10) { p, n in
                for i in 0..<n { for c in 0..<cc { p[i * ch + c] = FastSRGB.toLinear(p[i * ch + c], t.baseAddress!) } }
            }
        }
    }

    /// Encodes a linear-light image with the sRGB curve (alpha untouched).
    public func toSrgb() -> Image {
        let cc = min(channels, 3), ch = channels
        return FastSRGB.encodeSqrt.withUnsafeBufferPointer { t in
            transformedRows(cost: 10) { p, n in
                for i in 0..<n { for c in 0..<cc { p[i * ch + c] = FastSRGB.toSrgb(p[i * ch + c], t.baseAddress!) } }
            }
        }
    }

    /// Converts an sRGB-encoded RGB(A) image to CIE Lab (D65): channel 0 is L
    /// (0...100), 1 is a, 2 is b; alpha is copied.
    public func toLab() -> Image { labConverted(toLab: true, linear: false) }

    /// Converts a linear-RGB image to CIE Lab (D65).
    public func linearToLab() -> Image { labConverted(toLab: true, linear: true) }

    /// Converts a CIE Lab (D65) image back to sRGB-encoded RGB (not clamped; alpha copied).
    public static func fromLab(_ lab: Image) -> Image { lab.labConverted(toLab: false, linear: false) }

    /// Converts a CIE Lab (D65) image to linear RGB (not clamped; alpha copied).
    public static func linearFromLab(_ lab: Image) -> Image { lab.labConverted(toLab: false, linear: true) }
}
