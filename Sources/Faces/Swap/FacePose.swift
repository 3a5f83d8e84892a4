import Foundation
import Imaging

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

    /// The least-squares similarity mapping canonical xy onto `points` xy (Imaging's Umeyama estimate).
    /// Degenerate input (all points coincident) gives a unit-scale pose at their mean.
    public static func fit(_ points: [SIMD3<Float>]) -> FacePose {
        let n = min(points.count, CanonicalFace.landmarks.count)
        let from = CanonicalFace.landmarks.prefix(n).map { SIMD2($0.x, $0.y) }
        let to = points.prefix(n).map { SIMD2($0.x, $0.y) }
        guard let t = AffineTransform.estimateSimilarity(from: from, to: to) else {
            let m = to.reduce(SIMD2<Float>(), +) / Float(max(n, 1))
            return FacePose(logScale: 0, angle: 0, tx: m.x, ty: m.y)
        }
        let scale = max((t.a * t.a + t.c * t.c).squareRoot(), 1e-6)
        return FacePose(logScale: log(scale), angle: atan2(t.c, t.a), tx: t.tx, ty: t.ty)
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
