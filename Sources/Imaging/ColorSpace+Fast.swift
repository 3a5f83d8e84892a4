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

    @inline(__always)
    static func f(_ t: Float) -> Float { t > eps ? cubeRoot(t) : (kappa * t + 16) / 116 }

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
        return f3 > eps ? f3 : (116 * f - 16) / kappa
    }

    /// Converts `n` interleaved pixels in place, sRGB (or linear if `decoded`) → Lab.
    static func toLab(_ p: UnsafeMutablePointer<Float>, count n: Int, stride ch: Int, linearInput: Bool,
                      _ m: UnsafePointer<Float>, _ table: UnsafePointer<Float>) {
        for i in 0..<n {
            let q = p + i * ch
            var r = q[0], g = q[1], b = q[2]
            if !linearInput {
                r = FastSRGB.toLinear(r, table); g = FastSRGB.toLinear(g, table); b = FastSRGB.toLinear(b, table)
            }
            let fx = f(m[0] * r + m[1] * g + m[2] * b)
            let fy = f(m[3] * r + m[4] * g + m[5] * b)
            let fz = f(m[6] * r + m[7] * g + m[8] * b)
            q[0] = 116 * fy - 16
            q[1] = 500 * (fx - fy)
            q[2] = 200 * (fy - fz)
        }
    }

    /// Converts `n` interleaved Lab pixels in place to sRGB (or linear if `linearOutput`).
    static func fromLab(_ p: UnsafeMutablePointer<Float>, count n: Int, stride ch: Int, linearOutput: Bool,
                        _ m: UnsafePointer<Float>, _ table: UnsafePointer<Float>) {
        for i in 0..<n {
            let q = p + i * ch
            let fy = (q[0] + 16) / 116
            let x = fInverse(fy + q[1] / 500), y = fInverse(fy), z = fInverse(fy - q[2] / 200)
            var r = m[0] * x + m[1] * y + m[2] * z
            var g = m[3] * x + m[4] * y + m[5] * z
            var b = m[6] * x + m[7] * y + m[8] * z
            if !linearOutput {
                r = FastSRGB.toSrgb(r, table); g = FastSRGB.toSrgb(g, table); b = FastSRGB.toSrgb(b, table)
            }
            q[0] = r; q[1] = g; q[2] = b
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
