import Foundation

extension FaceCompositor {
    /// Opening of one eye: mean lid gap over the corner-to-corner width (2-D, so it does not change with scale).
    static func eyeOpening(_ p: [SIMD3<Float>], _ eye: [Int]) -> Float {
        func d(_ i: Int, _ j: Int) -> Float {
            let a = SIMD2(p[i].x, p[i].y), b = SIMD2(p[j].x, p[j].y)
            return ((a - b) * (a - b)).sum().squareRoot()
        }
        let right = eye == CanonicalFace.rightEye
        let gap = right ? (d(159, 145) + d(158, 153) + d(160, 144)) / 3 : (d(386, 374) + d(385, 380) + d(387, 373)) / 3
        let width = right ? d(33, 133) : d(263, 362)
        return width > 0 ? gap / width : 0
    }

    /// How much of the target's own eye is kept (0 = the source's eye, 1 = the target's), per eye.
    ///
    /// `.auto` shows the source's eye while the target's is about as open as the source's, and fades to the
    /// target's own eye as it closes, so blinks and squints stay the target's (a warped open eye squeezed
    /// into a closing lid would smear).
    func eyeHole(_ target: [SIMD3<Float>], _ eye: [Int]) -> Float {
        switch options.eyes {
        case .keep: return 1
        case .swap: return 0
        case .auto:
            let src = Self.eyeOpening(source.points, eye), tgt = Self.eyeOpening(target, eye)
            guard src > 0.02 else { return 1 }
            let r = tgt / src
            return min(max((0.75 - r) / 0.3, 0), 1)
        }
    }

    /// Head yaw in degrees from the 3-D outer eye corners (FaceMesh z is in the same units as x).
    static func yawDegrees(_ p: [SIMD3<Float>]) -> Float {
        let v = p[263] - p[33]
        return atan2(v.z, v.x) * 180 / .pi
    }

    /// Yaw (degrees) where the turned-head fade starts, and where the swap has faded out completely.
    /// Past about 50° FaceMesh's far-side points fold over the near ones and the mesh tears; the
    /// swap is faded out before that, smoothly, so a head turning away never shows torn triangles.
    static let yawFade: (Float, Float) = (32, 50)

    /// Weight of the swap for a target at this pose (1 = full, 0 = none), smooth in yaw.
    static func yawStrength(_ p: [SIMD3<Float>]) -> Float {
        let y = abs(yawDegrees(p)), (a, b) = yawFade
        let t = min(max((y - a) / (b - a), 0), 1)
        return 1 - t * t * (3 - 2 * t)
    }
}
