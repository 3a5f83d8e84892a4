import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// `.auto` eyes ask the eye's pixels whether it is open: the astronaut's open eyes against the same
/// frame with the eye openings painted over in her own skin colour (a closed lid).
@Suite struct EyeAppearanceTests {
    @Test func paintedShutEyesReadAsClosedAndOpenEyesAsOpen() throws {
        let frame = try #require(try SwapDegradedMedia.clean.get().first)
        let first = try #require(try SwapDegradedMedia.cleanLandmarks.get().first)
        let lm = try #require(first)
        let r = PixelRect(x: 0, y: 0, width: frame.width, height: frame.height)
        let lab = Image(frame).toLab()
        let model = try #require(OcclusionMask.skin(lab, mask: SwapDegradedMedia.skinMask(lm, width: r.width, height: r.height)))
        var shut = lab
        for eye in [CanonicalFace.rightEye, CanonicalFace.leftEye] {
            var m = Image(width: r.width, height: r.height, channels: 1)
            FaceMasks.fill(&m, polygon: FaceMasks.polygon(lm, eye, scale: 1.2, origin: r), value: 1)
            for p in 0..<(r.width * r.height) where m.data[p] > 0 {
                shut.data[3 * p + 1] = model.chroma.x; shut.data[3 * p + 2] = model.chroma.y
            }
        }
        for eye in [CanonicalFace.rightEye, CanonicalFace.leftEye] {
            let poly = FaceMasks.polygon(lm, eye, scale: 1.0, origin: r)
            let open = EyeAppearance.visibleFraction(lab, polygon: poly, skin: model)
            let closed = EyeAppearance.visibleFraction(shut, polygon: poly, skin: model)
            print("eye appearance: open \(open), painted shut \(closed)")
            #expect(open > 0.08)   // measured 0.22 and 0.09 (small eyes, 43 px apart)
            #expect(closed < 0.05)
            #expect(EyeAppearance.closedness(open, reference: open) == 0)
            #expect(EyeAppearance.closedness(closed, reference: open) == 1)
        }
        // The reference rises fast to an open eye and forgets it slowly through a blink.
        let ref = EyeAppearance.updatedReference(SIMD2(0.2, 0.2), seen: SIMD2(0.6, 0.6))
        #expect(ref.x > 0.3)
        #expect(EyeAppearance.updatedReference(SIMD2(0.6, 0.6), seen: SIMD2(0, 0)).x > 0.59)
    }
}
