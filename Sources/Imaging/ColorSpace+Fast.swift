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

    /// `cubeRoot` on eight lanes at once (lanes must be > 0).
    @inline(__always)
    static func cubeRoot8(_ t: SIMD8<Float>) -> SIMD8<Float> {
        // The exponent-dividing first guess. Vector integer division does not exist, so bits / 3 is
        // the series bits · (1/4 + 1/16 + ...) of shifts and adds; stopping at 4⁻⁷ leaves the guess
        // within 0.1% of the divided one, far below the 5% the Newton steps start from.
        let b = unsafeBitCast(t, to: SIMD8<UInt32>.self)
        var third = (b &>> 2) &+ (b &>> 4) &+ (b &>> 6) &+ (b &>> 8)
        third = third &+ (b &>> 10) &+ (b &>> 12) &+ (b &>> 14)
        var y = unsafeBitCast(third &+ 709_921_077, to: SIMD8<Float>.self)
        y = (2 * y + t / (y * y)) * (1 / 3)
        y = (2 * y + t / (y * y)) * (1 / 3)
        y = (2 * y + t / (y * y)) * (1 / 3)
        return y
    }

    /// Lab's f(t) on eight lanes: cube root above ε, the linear segment below.
    @inline(__always)
    static func f8(_ t: SIMD8<Float>) -> SIMD8<Float> {
        let small = t .<= SIMD8<Float>(repeating: eps)
        let root = cubeRoot8(t.replacing(with: 1, where: small))
        return root.replacing(with: kappaOver116 * t + Float(16.0 / 116.0), where: small)
    }

    /// Converts `n` interleaved pixels in place, sRGB (or linear if `linearInput`) → Lab.
    /// Eight pixels at a time with X, Y, Z planar in `SIMD8`s (one vector divide per Newton step
    /// serves eight pixels); the remainder one at a time with X, Y, Z in the lanes of a `SIMD4`.
    static func toLab(_ p: UnsafeMutablePointer<Float>, count n: Int, stride ch: Int, linearInput: Bool,
                      _ m: UnsafePointer<Float>, _ table: UnsafePointer<Float>) {
        var start = 0
        // Planar staging for eight pixels (lane inserts into SIMD values compile poorly).
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: 24)
        defer { tmp.deallocate() }
        @inline(__always) func lane(_ k: Int) -> SIMD8<Float> {
            UnsafeRawPointer(tmp + 8 * k).loadUnaligned(as: SIMD8<Float>.self)
        }
        while start + 8 <= n {
            for j in 0..<8 {
                let q = p + (start + j) * ch
                if linearInput {
                    tmp[j] = q[0]; tmp[8 + j] = q[1]; tmp[16 + j] = q[2]
                } else {
                    tmp[j] = FastSRGB.toLinear(q[0], table); tmp[8 + j] = FastSRGB.toLinear(q[1], table)
                    tmp[16 + j] = FastSRGB.toLinear(q[2], table)
                }
            }
            let r = lane(0), g = lane(1), b = lane(2)
            let fx = f8(m[0] * r + m[1] * g + m[2] * b)
            let fy = f8(m[3] * r + m[4] * g + m[5] * b)
            let fz = f8(m[6] * r + m[7] * g + m[8] * b)
            let raw = UnsafeMutableRawPointer(tmp)
            raw.storeBytes(of: 116 * fy - 16, as: SIMD8<Float>.self)
            raw.storeBytes(of: 500 * (fx - fy), toByteOffset: 32, as: SIMD8<Float>.self)
            raw.storeBytes(of: 200 * (fy - fz), toByteOffset: 64, as: SIMD8<Float>.self)
            for j in 0..<8 {
                let q = p + (start + j) * ch
                q[0] = tmp[j]; q[1] = tmp[8 + j]; q[2] = tmp[16 + j]
            }
            start += 8
        }
        let c0 = SIMD4<Float>(m[0], m[3], m[6], 0), c1 = SIMD4<Float>(m[1], m[4], m[7], 0)
        let c2 = SIMD4<Float>(m[2], m[5], m[8], 0)
        let epsV = SIMD4<Float>(repeating: eps), slope = SIMD4<Float>(repeating: kappaOver116)
        let offset = SIMD4<Float>(repeating: Float(16.0 / 116.0))
        for i in start..<n {
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
        // Eight pixels at a time, planar; the sRGB encoding stays per sample (table lookups).
        var start = 0
        let epsV8 = SIMD8<Float>(repeating: eps), invK8 = SIMD8<Float>(repeating: inverseKappa)
        @inline(__always) func finv(_ f: SIMD8<Float>) -> SIMD8<Float> {
            let f3 = f * f * f
            return f3.replacing(with: (116 * f - 16) * invK8, where: f3 .<= epsV8)
        }
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: 24)
        defer { tmp.deallocate() }
        let raw = UnsafeMutableRawPointer(tmp)
        while start + 8 <= n {
            for j in 0..<8 {
                let q = p + (start + j) * ch
                tmp[j] = q[0]; tmp[8 + j] = q[1]; tmp[16 + j] = q[2]
            }
            let l = raw.loadUnaligned(as: SIMD8<Float>.self)
            let a = raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
            let fy = (l + 16) * Float(1.0 / 116.0)
            let x = finv(fy + a * 0.002), y = finv(fy), z = finv(fy - b * 0.005)
            raw.storeBytes(of: m[0] * x + m[1] * y + m[2] * z, as: SIMD8<Float>.self)
            raw.storeBytes(of: m[3] * x + m[4] * y + m[5] * z, toByteOffset: 32, as: SIMD8<Float>.self)
            raw.storeBytes(of: m[6] * x + m[7] * y + m[8] * z, toByteOffset: 64, as: SIMD8<Float>.self)
            for j in 0..<8 {
                let q = p + (start + j) * ch
                if linearOutput {
                    q[0] = tmp[j]; q[1] = tmp[8 + j]; q[2] = tmp[16 + j]
                } else {
                    q[0] = FastSRGB.toSrgb(tmp[j], table); q[1] = FastSRGB.toSrgb(tmp[8 + j], table)
                    q[2] = FastSRGB.toSrgb(tmp[16 + j], table)
                }
            }
            start += 8
        }
        let c0 = SIMD4<Float>(m[0], m[3], m[6], 0), c1 = SIMD4<Float>(m[1], m[4], m[7], 0)
        let c2 = SIMD4<Float>(m[2], m[5], m[8], 0)
        let epsV = SIMD4<Float>(repeating: eps), invK = SIMD4<Float>(repeating: inverseKappa)
        for i in start..<n {
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
