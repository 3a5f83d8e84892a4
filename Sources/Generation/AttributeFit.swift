import Foundation
import Imaging

/// Measures the five face attributes from FaceMesh landmarks (468 points, image pixels) and the image.
///
/// Landmark indices follow MediaPipe's canonical face mesh: eye outer corners 33 and 263, mouth corners
/// 61 and 291, inner lips 13 (upper) and 14 (lower), nose tip 1, chin 152.
public enum FaceAttributeMeasure {
    /// Description of each measure, written into the directions file.
    public static let descriptions: [FaceAttribute: String] = [
        .smile: "mouth-corner spread |p61-p291| / eye distance |p33-p263|",
        .mouthOpen: "inner-lip gap |p13-p14| / eye distance",
        .yaw: "(nose tip x - eye-corner midpoint x) / eye distance (positive: towards image right)",
        .pitch: "-(nose tip y - eye-corner midpoint y) / eye distance (positive: up)",
        .brightness: "mean Rec.709 luma (0...1) inside the landmarks' bounding box shrunk to its central 60%",
    ]

    /// Attribute values in `FaceAttribute.allCases` order, or nil if the landmarks are degenerate.
    public static func measure(points: [SIMD3<Float>], image: Image) -> [Float]? {
        guard points.count >= 468 else { return nil }
        func p(_ i: Int) -> SIMD2<Float> { SIMD2(points[i].x, points[i].y) }
        func dist(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float { ((a - b) * (a - b)).sum().squareRoot() }
        let eyeL = p(33), eyeR = p(263)
        let d = dist(eyeL, eyeR)
        guard d > 1e-3 else { return nil }
        let mid = (eyeL + eyeR) / 2
        let smile = dist(p(61), p(291)) / d
        let open = dist(p(13), p(14)) / d
        let yaw = (p(1).x - mid.x) / d
        let pitch = -(p(1).y - mid.y) / d
        // Face luminance.
        var minX = Float.infinity, minY = Float.infinity, maxX = -Float.infinity, maxY = -Float.infinity
        for q in points.prefix(468) { minX = min(minX, q.x); maxX = max(maxX, q.x); minY = min(minY, q.y); maxY = max(maxY, q.y) }
        let cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, hw = (maxX - minX) * 0.3, hh = (maxY - minY) * 0.3
        let x0 = max(0, Int(cx - hw)), x1 = min(image.width - 1, Int(cx + hw))
        let y0 = max(0, Int(cy - hh)), y1 = min(image.height - 1, Int(cy + hh))
        guard x1 >= x0, y1 >= y0, image.channels >= 3 else { return nil }
        var sum: Float = 0
        for y in y0...y1 { for x in x0...x1 {
            sum += 0.2126 * image[x, y, 0] + 0.7152 * image[x, y, 1] + 0.0722 * image[x, y, 2]
        } }
        let luma = sum / Float((x1 - x0 + 1) * (y1 - y0 + 1))
        let v: [Float] = [smile, open, yaw, pitch, luma]
        return v.allSatisfy(\.isFinite) ? v : nil
    }
}

/// Ridge regression of an attribute on latents: `y ≈ b + w·z`; the direction is `w / |w|`.
public struct RidgeFit: Sendable {
    /// Unit direction.
    public let direction: [Float]
    /// Attribute change per unit latent distance along `direction` (|w|).
    public let slope: Double
    /// Intercept.
    public let intercept: Double
    /// Coefficient of determination on the training samples.
    public let r2Train: Double

    /// Fits `y` on rows of `z` with penalty `lambda`.
    /// - Throws: `GenerationError.badSetting` for mismatched or too few samples, or a singular system.
    public init(z: [[Float]], y: [Double], lambda: Double = 10) throws {
        guard let dim = z.first?.count, z.count == y.count, z.count > dim / 2, z.allSatisfy({ $0.count == dim }) else {
            throw GenerationError.badSetting("ridge fit needs matching latents and targets (\(z.count) vs \(y.count))")
        }
        let n = Double(z.count)
        var mean = [Double](repeating: 0, count: dim)
        for r in z { for j in 0..<dim { mean[j] += Double(r[j]) / n } }
        let ym = y.reduce(0, +) / n
        var a = [Double](repeating: 0, count: dim * dim), b = [Double](repeating: 0, count: dim)
        for (r, yv) in zip(z, y) {
            let c = (0..<dim).map { Double(r[$0]) - mean[$0] }
            for i in 0..<dim {
                b[i] += c[i] * (yv - ym)
                for j in i..<dim { a[i * dim + j] += c[i] * c[j] }
            }
        }
        for i in 0..<dim { a[i * dim + i] += lambda; for j in 0..<i { a[i * dim + j] = a[j * dim + i] } }
        let w = try Self.solveSPD(a, b, dim)
        let norm = w.map { $0 * $0 }.reduce(0, +).squareRoot()
        guard norm > 0, norm.isFinite else { throw GenerationError.badSetting("ridge fit found no direction") }
        direction = w.map { Float($0 / norm) }
        slope = norm
        intercept = ym - zip(w, mean).map(*).reduce(0, +)
        var ssr = 0.0, sst = 0.0
        for (r, yv) in zip(z, y) {
            let pred = intercept + zip(w, r).map { $0 * Double($1) }.reduce(0, +)
            ssr += (yv - pred) * (yv - pred); sst += (yv - ym) * (yv - ym)
        }
        r2Train = sst > 0 ? 1 - ssr / sst : 0
        weights = w
    }

    /// The full weight vector w.
    public let weights: [Double]

    /// Predicted attribute for a latent.
    public func predict(_ z: [Float]) -> Double { intercept + zip(weights, z).map { $0 * Double($1) }.reduce(0, +) }

    /// Cholesky solve of a symmetric positive-definite system.
    static func solveSPD(_ a: [Double], _ b: [Double], _ n: Int) throws -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0 else { throw GenerationError.badSetting("ridge system is not positive definite") }
                    l[i * n + i] = s.squareRoot()
                } else { l[i * n + j] = s / l[j * n + j] }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n { var s = b[i]; for k in 0..<i { s -= l[i * n + k] * y[k] }; y[i] = s / l[i * n + i] }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) { var s = y[i]; for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }; x[i] = s / l[i * n + i] }
        return x
    }
}
