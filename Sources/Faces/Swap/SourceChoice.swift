import Foundation

/// Picks, for a target face, the source photo whose head pose is nearest its own (several photos
/// of one person: frontal, turned left, turned right, looking down ...). A turned target warped from
/// a photo turned the same way keeps the far cheek and the nose profile real instead of stretching
/// a frontal photo over them.
struct SourceChoice: Sendable {
    /// Yaw and pitch (degrees) of each source face.
    let poses: [SIMD2<Float>]
    /// A new photo is taken only when it is nearer by this many degrees than the one in use, so
    /// the choice does not flicker between two photos of similar pose.
    static let hysteresis: Float = 6

    init(sources: [SourceFace]) {
        poses = sources.map { Self.pose(Array($0.points.prefix(CanonicalFace.landmarkCount))) }
    }

    /// Yaw (from the outer eye corners) and pitch (from the forehead-to-chin line), degrees, from
    /// FaceMesh's 3-D landmarks.
    static func pose(_ p: [SIMD3<Float>]) -> SIMD2<Float> {
        let yaw = FaceCompositor.yawDegrees(p)
        let v = p[152] - p[10]
        let pitch = atan2(v.z, (v.x * v.x + v.y * v.y).squareRoot()) * 180 / .pi
        return SIMD2(yaw, pitch)
    }

    /// The photo to use for a target face with landmarks `target`, given the one in use.
    func pick(for target: [SIMD3<Float>], current: Int?) -> Int {
        guard poses.count > 1 else { return 0 }
        let t = Self.pose(target)
        func cost(_ i: Int) -> Float { let d = poses[i] - t; return abs(d.x) + 0.7 * abs(d.y) }
        let best = poses.indices.min { cost($0) < cost($1) } ?? 0
        if let c = current, c < poses.count, cost(c) <= cost(best) + Self.hysteresis { return c }
        return best
    }
}
