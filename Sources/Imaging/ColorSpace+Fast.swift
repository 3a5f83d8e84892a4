import Foundation

/// Float fast paths behind the per-image colour conversions.
///
/// The sRGB curve costs a `pow` per sample; inside 0...1 it is read from
/// 4096-interval tables with linear interpolation instead. `toLinear` is tabulated
/// over x, `toSrgb` over √x, which flattens the steep start of x^(1/2.4); both
/// stay within 1e-6 of the exact curve (checked in the tests). Values outside
/// 0...1 take the exact path.
enum FastSRGB {
    static let size = 4096
    static let decode: [Float] = (0...size).map { ColorSpace.srgbToLinear(Float(Double($0) / Double(size))) }
    static let encodeSqrt: [Float] = (0...size).map {
        let u = Double($0) / Double(size)
        return ColorSpace.linearToSrgb(Float(u * u))
    }

    @inline(__always)
    static func lookup(_ table: UnsafePointer<Float>, _ t: Float) -> Float {
        let f = t * Float(size)
        let i = min(Int(f), size - 1)
        let a = f - Float(i)
        return table[i] + a * (table[i + 1] - table[i])
    }

    @inline(__always)
    static func toLinear(_ v: Float, _ table: UnsafePointer<Float>) -> Float {
        v >= 0 && v <= 1 ? lookup(table, v) : ColorSpace.srgbToLinear(v)
    }

    @inline(__always)
    static func toSrgb(_ v: Float, _ table: UnsafePointer<Float>) -> Float {
        v >= 0 && v <= 1 ? lookup(table, v.squareRoot()) : ColorSpace.linearToSrgb(v)
    }
}

/// Float Lab math for whole images (the per-pixel API in `ColorSpace` uses Double).
enum FastLab {
    static let m: [Float] = ColorSpace.rgbToXYZ.enumerated().map { i, v in
        Float(v / [ColorSpace.white.x, ColorSpace.white.y, ColorSpace.white.z][i / 3])
    }
    static let mi: [Float] = ColorSpace.xyzToRGB.enumerated().map { i, v in
        Float(v * [ColorSpace.white.x, ColorSpace.white.y, ColorSpace.white.z][i % 3])
    }
    static let eps = Float(ColorSpace.epsilon), kappa = Float(ColorSpace.kappa)
    static let kappaOver116 = Float(ColorSpace.kappa / 116), inverseKappa = Float(1 / ColorSpace.kappa)

    @inline(__always)
    static func f(_ t: Float) -> Float { t > eps ? cubeRoot(t) : kappaOver116 * t + Float(16.0 / 116.0) }

    /// Cube root for t > 0: exponent-dividing bit trick (≈5% off) refined by three
    /// Newton steps to Float precision; several times faster than libm's `cbrtf`.
    @inline(__always)
    static func cubeRoot(_ t: Float) -> Float {
        var y = Float(bitPattern: t.bitPattern / 3 &+ 709_921_077)
        y = (2 * y + t / (y * y)) * (1 / 3)
        y = (2 * y + t / (y * y)) * (1 / 3)
        y = (2 * y + t / (y * y)) * (1 / 3)
        return y
    }

    @inline(__always)
    static func fInverse(_ f: Float) -> Float {
        let f3 = f * f * f
        return f3 > eps ? f3 : (116 * f - 16) * inverseKappa
    }

    /// `cubeRoot` on four lanes at once (lanes must be > 0): one vector divide per Newton step.
    @inline(__always)
    static func cubeRoot4(_ t: SIMD4<Float>) -> SIMD4<Float> {
        let bits = unsafeBitCast(t, to: SIMD4<UInt32>.self) / 3 &+ 709_921_077
        var y = unsafeBitCast(bits, to: SIMD4<Float>.self)
        y = (2 * y + t / (y * y)) * (1 / 3)
        y = (2 * y + t / (y * y)) * (1 / 3)
        y = (2 * y + t / (y * y)) * (1 / 3)
        return y
    }

    /// Converts `n` interleaved pixels in place, sRGB (or linear if `linearInput`) → Lab.
    /// X, Y, Z travel together in the lanes of a `SIMD4` (lane 3 idle).
    static func toLab(_ p: UnsafeMutablePointer<Float>, count n: Int, stride ch: Int, linearInput: Bool,
                      _ m: UnsafePointer<Float>, _ table: UnsafePointer<Float>) {
        let c0 = SIMD4<Float>(m[0], m[3], m[6], 0), c1 = SIMD4<Float>(m[1], m[4], m[7], 0)
        let c2 = SIMD4<Float>(m[2], m[5], m[8], 0)
        let epsV = SIMD4<Float>(repeating: eps), slope = SIMD4<Float>(repeating: kappaOver116)
        let offset = SIMD4<Float>(repeating: Float(16.0 / 116.0))
        for i in 0..<n {
            let q = p + i * ch
            var r = q[0], g = q[1], b = q[2]
            if !linearInput {
                r = FastSRGB.toLinear(r, table); g = FastSRGB.toLinear(g, table); b = FastSRGB.toLinear(b, table)
            }
            let t = c0 * r + c1 * g + c2 * b
            let small = t .<= epsV
            // Small (and idle) lanes get a harmless 1 for the root and take the linear branch.
            let root = cubeRoot4(t.replacing(with: 1, where: small))
            let f = root.replacing(with: slope * t + offset, where: small)
            q[0] = 116 * f[1] - 16
            q[1] = 500 * (f[0] - f[1])
            q[2] = 200 * (f[1] - f[2])
        }
    }

    /// Converts `n` interleaved Lab pixels in place to sRGB (or linear if `linearOutput`).
    static func fromLab(_ p: UnsafeMutablePointer<Float>, count n: Int, stride ch: Int, linearOutput: Bool,
                        _ m: UnsafePointer<Float>, _ table: UnsafePointer<Float>) {
        let c0 = SIMD4<Float>(m[0], m[3], m[6], 0), c1 = SIMD4<Float>(m[1], m[4], m[7], 0)
        let c2 = SIMD4<Float>(m[2], m[5], m[8], 0)
        let epsV = SIMD4<Float>(repeating: eps), invK = SIMD4<Float>(repeating: inverseKappa)
        for i in 0..<n {
            let q = p + i * ch
            let fy = (q[0] + 16) * Float(1.0 / 116.0)
            let f = SIMD4<Float>(fy + q[1] * 0.002, fy, fy - q[2] * 0.005, 0)
            let f3 = f * f * f
            let xyz = f3.replacing(with: (116 * f - 16) * invK, where: f3 .<= epsV)
            let rgb = c0 * xyz[0] + c1 * xyz[1] + c2 * xyz[2]
            if linearOutput {
                q[0] = rgb[0]; q[1] = rgb[1]; q[2] = rgb[2]
            } else {
                q[0] = FastSRGB.toSrgb(rgb[0], table)
                q[1] = FastSRGB.toSrgb(rgb[1], table)
                q[2] = FastSRGB.toSrgb(rgb[2], table)
            }
        }
    }
}

extension Image {
    /// Runs `body` over row ranges of a copy of the image, in parallel.
    func transformedRows(cost: Int, _ body: (UnsafeMutablePointer<Float>, Int) -> Void) -> Image {
        var out = self
        let rowLen = width * channels, w = width
        out.data.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            Parallel.forRanges(height, costPerItem: w * cost) { rows in
                body(base + rows.lowerBound * rowLen, rows.count * w)
            }
        }
        return out
    }

    func labConverted(toLab: Bool, linear: Bool) -> Image {
        precondition(channels >= 3, "colour conversion needs 3 or 4 channels, got \(channels)")
        let ch = channels
        let matrix = toLab ? FastLab.m : FastLab.mi
        let table = toLab ? FastSRGB.decode : FastSRGB.encodeSqrt
        return matrix.withUnsafeBufferPointer { m in
            table.withUnsafeBufferPointer { t in
                transformedRows(cost: 60) { p, n in
                    if toLab {
                        FastLab.toLab(p, count: n, stride: ch, linearInput: linear, m.baseAddress!, t.baseAddress!)
                    } else {
                        FastLab.fromLab(p, count: n, stride: ch, linearOutput: linear, m.baseAddress!, t.baseAddress!)
                    }
                }
            }
        }
    }
}
