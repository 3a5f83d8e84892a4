import Foundation
import Imaging

/// What a person looks like, for `--reference`: the pose-normalised landmark shape plus the median
/// Lab colour of the skin. Cheap, identity-ish, and stable across frames of one person and, to a
/// degree, across photos of them (medians of skin ignore eyes, brows, beard and highlights).
public struct FaceDescriptor: Sendable {
    /// Canonical-frame landmark xy (pose removed), 468 × 2.
    public var shape: [SIMD2<Float>]
    /// Median L*, a*, b* of the skin (oval shrunk to 85 %, eyes and lips left out).
    public var skin: SIMD3<Float>

    /// Describes the face with `landmarks` in `image`.
    public init(image: ByteImage, landmarks: [SIMD3<Float>]) {
        let ps = PoseShape(landmarks)
        shape = ps.shape.map { SIMD2($0.x, $0.y) }
        skin = SIMD3(50, 0, 0)
        guard image.channels >= 3,
              let r = PixelRect.bounding(landmarks, pad: 0, clipWidth: image.width, clipHeight: image.height) else { return }
        var mask = RegionBuffer(width: r.width, height: r.height, channels: 1)
        FaceMasks.fill(&mask, polygon: FaceMasks.polygon(landmarks, CanonicalFace.oval, scale: 0.85, origin: r), value: 1)
        FaceMasks.fill(&mask, polygon: FaceMasks.polygon(landmarks, CanonicalFace.outerLips, scale: 1.2, origin: r), value: 0)
        FaceMasks.fill(&mask, polygon: FaceMasks.polygon(landmarks, CanonicalFace.rightEye, scale: 1.7, origin: r), value: 0)
        FaceMasks.fill(&mask, polygon: FaceMasks.polygon(landmarks, CanonicalFace.leftEye, scale: 1.7, origin: r), value: 0)
        let rgb = image.channels == 3 ? image : SourceFace.rgb(image)
        let lab = RegionBuffer(cropping: rgb, r).toLab()
        var ch: [[Float]] = [[], [], []]
        for p in 0..<(r.width * r.height) where mask.data[p] > 0 { for c in 0..<3 { ch[c].append(lab.data[3 * p + c]) } }
        guard ch[0].count >= 16 else { return }
        skin = SIMD3(OcclusionMask.median(&ch[0]), OcclusionMask.median(&ch[1]), OcclusionMask.median(&ch[2]))
    }

    /// Dissimilarity: mean canonical landmark distance (inter-ocular units, ×5), plus the skin's hue
    /// angle difference over 10° and its lightness difference over 60. Hue (atan2(b*, a*)) barely moves
    /// when the light gets brighter or dimmer, where lightness and chroma move a lot; on dlib's johns
    /// photos two pictures of one person differ by 1–7° and two people by 16–24°.
    public func distance(to o: FaceDescriptor) -> Float {
        var d: Float = 0
        for (a, b) in zip(shape, o.shape) { d += ((a - b) * (a - b)).sum().squareRoot() }
        d /= Float(max(shape.count, 1))
        let hue = atan2(skin.z, skin.y) - atan2(o.skin.z, o.skin.y)
        let dh = abs(remainder(hue, 2 * Float.pi)) * 180 / Float.pi
        return 5 * d + dh / 10 + abs(skin.x - o.skin.x) / 60
    }
}
