import Foundation
import Imaging
import Testing
@testable import Faces

/// `.auto` eyes do not read the colours of eyes too small to hold them. On the 176×144 side-lit variant
/// of the clip (eyes open) every eye opening covers fewer than `EyeAppearance.minimumPixels`
/// pixels, so the track's closedness stays 0 on every frame and the source's eyes are shown (reading those
/// pixels, as before, called 14 of the 16 frames shut and kept the target's eyes there).
@Suite struct EyeSizeTests {
    @Test func tinyOpenEyesAreNotReadAsShut() throws {
        let frames = try SwapDegradedMedia.smallSideLit.get()
        let marks = try SwapMedia.landmarks(frames)
        var model: SkinModel?
        var ref: SIMD2<Float>?, oldRef: SIMD2<Float>?
        var shut = 0, oldShut = 0, read = 0, largest: Float = 0
        for (f, lm) in zip(frames, marks) {
            guard let lm else { continue }
            let r = PixelRect(x: 0, y: 0, width: f.width, height: f.height)
            let lab = Image(f).toLab()
            model = model ?? OcclusionMask.skin(lab, mask: SwapDegradedMedia.skinMask(lm, width: r.width, height: r.height))
            guard let m = model else { continue }
            var seen = SIMD2<Float>(), old = SIMD2<Float>()
            for (k, eye) in [CanonicalFace.rightEye, CanonicalFace.leftEye].enumerated() {
                let poly = FaceMasks.polygon(lm, eye, scale: 1.0, origin: r)
                var mask = Image(width: r.width, height: r.height, channels: 1)
                FaceMasks.fill(&mask, polygon: poly, value: 1)
                largest = max(largest, mask.data.reduce(0, +))
                seen[k] = EyeAppearance.visibleFraction(lab, polygon: poly, skin: m)
                old[k] = EyeAppearance.visibleFraction(lab, polygon: poly, skin: m, minimumPixels: 4)
            }
            ref = EyeAppearance.updatedReference(ref, seen: seen)
            oldRef = EyeAppearance.updatedReference(oldRef, seen: old)
            read += 1
            if (0..<2).contains(where: { EyeAppearance.closedness(seen[$0], reference: ref![$0]) > 0 }) { shut += 1 }
            if (0..<2).contains(where: { EyeAppearance.closedness(old[$0], reference: oldRef![$0]) > 0 }) { oldShut += 1 }
        }
        print("tiny eyes: \(read) frames, largest eye \(largest) px, read as shut \(shut) (reading every pixel: \(oldShut))")
        #expect(read >= 12)
        #expect(largest < EyeAppearance.minimumPixels)
        #expect(shut == 0)
    }
}
