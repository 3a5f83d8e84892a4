import Foundation

/// A 2-D similarity (uniform scale, rotation, translation) placing the canonical face in the frame.
public struct FacePose: Sendable, Equatable {
    /// Natural log of the scale (pixels per inter-ocular unit), smoothed in log space.
    public var logScale: Float
    /// Rotation in radians (image y down).
    public var angle: Float
    /// Translation, pixels.
    public var tx: Float
    /// Translation, pixels.
    public var ty: Float

    /// Creates a pose.
    public init(logScale: Float, angle: Float, tx: Float, ty: Float) {
        self.logScale = logScale; self.angle = angle; self.tx = tx; self.ty = ty
    }

    /// The least-squares similarity mapping canonical xy onto `points` xy (Umeyama 1991).
    public static func fit(_ points: [SIMD3<Float>]) -> FacePose {
        let can = CanonicalFace.landmarks
        let n = min(points.count, can.count)
        var mc = SIMD2<Double>(0, 0), mp = SIMD2<Double>(0, 0)
        for i in 0..<n { mc += SIMD2(Double(can[i].x), Double(can[i].y)); mp += SIMD2(Double(points[i].x), Double(points[i].y)) }
        mc /= Double(n); mp /= Double(n)
        var sxx = 0.0, sxy = 0.0, vc = 0.0
        for i in 0..<n {
            let c = SIMD2(Double(can[i].x), Double(can[i].y)) - mc, p = SIMD2(Double(points[i].x), Double(points[i].y)) - mp
            sxx += c.x * p.x + c.y * p.y
            sxy += c.x * p.y - c.y * p.x
            vc += c.x * c.x + c.y * c.y
        }
        let angle = atan2(sxy, sxx)
        let scale = max((sxx * sxx + sxy * sxy).squareRoot() / max(vc, 1e-12), 1e-6)
        let t = mp - SIMD2(scale * (cos(angle) * mc.x - sin(angle) * mc.y), scale * (sin(angle) * mc.x + cos(angle) * mc.y))
        return FacePose(logScale: Float(log(scale)), angle: Float(angle), tx: Float(t.x), ty: Float(t.y))
    }

    /// Maps canonical-frame points to the image (z scaled with the face).
    public func apply(_ q: SIMD3<Float>) -> SIMD3<Float> {
        let s = expf(logScale), c = cosf(angle), n = sinf(angle)
        return SIMD3(s * (c * q.x - n * q.y) + tx, s * (n * q.x + c * q.y) + ty, s * q.z)
    }

    /// Maps image points back into the canonical frame.
    public func invert(_ p: SIMD3<Float>) -> SIMD3<Float> {
        let s = expf(logScale), c = cosf(angle), n = sinf(angle)
        let x = p.x - tx, y = p.y - ty
        return SIMD3((c * x + n * y) / s, (-n * x + c * y) / s, p.z / s)
    }

    /// The pose as a vector (for filtering).
    var vector: SIMD4<Float> { SIMD4(logScale, angle, tx, ty) }
    /// Rebuilds a pose from `vector`.
    init(_ v: SIMD4<Float>) { self.init(logScale: v[0], angle: v[1], tx: v[2], ty: v[3]) }
}

/// Landmarks split into a global pose and a local shape in the canonical frame, so the two can
/// be smoothed with different strengths.
public struct PoseShape: Sendable {
    /// Global similarity.
    public var pose: FacePose
    /// The 468 landmarks mapped into the canonical frame by the inverse pose.
    public var shape: [SIMD3<Float>]

    /// Splits image-space landmarks.
    public init(_ points: [SIMD3<Float>]) {
        pose = FacePose.fit(points)
        let p = pose
        shape = points.map { p.invert($0) }
    }

    /// Creates from parts.
    public init(pose: FacePose, shape: [SIMD3<Float>]) { self.pose = pose; self.shape = shape }

    /// Recombines into image-space landmarks.
    public var points: [SIMD3<Float>] { let p = pose; return shape.map { p.apply($0) } }
}
