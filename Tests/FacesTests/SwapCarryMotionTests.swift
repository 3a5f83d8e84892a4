import Foundation
import Imaging
import Testing
@testable import Faces

/// The temporal carry steps aside where the target moves fast (`FaceSwapOptions.temporalCarryMotion`) and
/// is unchanged on near-still footage. Real faces: clips/face.mp4's first frames with dlib's John Shimkus
/// as the source (`SwapDegradedMedia`); the fast variant jumps 12 pixels sideways every other frame.
@Suite(.serialized) struct SwapCarryMotionTests {
    /// `frame` moved `dx` pixels to the right, its left edge column repeated.
    static func shifted(_ frame: ByteImage, by dx: Int) -> ByteImage {
        var g = frame
        for y in 0..<frame.height { for x in 0..<frame.width {
            let sx = max(0, x - dx)
            for c in 0..<3 { g.data[(y * frame.width + x) * 3 + c] = frame.data[(y * frame.width + sx) * 3 + c] }
        } }
        return g
    }

    /// Mean per-channel difference (levels) of two swaps over each frame's skin, after the first frame.
    static func skinDifference(_ a: [ByteImage], _ b: [ByteImage], landmarks: [[SIMD3<Float>]?]) throws -> Float {
        var sum: Float = 0
        for i in 1..<a.count {
            let lm = try #require(landmarks[i])
            let skin = SwapDegradedMedia.skinMask(lm, width: a[i].width, height: a[i].height)
            sum += SwapDegradedMedia.meanChange(a[i], b[i]) { x, y in skin.data[y * a[i].width + x] > 0.5 }
        }
        return sum / Float(a.count - 1)
    }

    static func config(carry: Float, motion: Float) -> FaceSwapConfig {
        var c = FaceSwapConfig()
        c.options.temporalCarry = carry
        c.options.temporalCarryMotion = motion
        return c
    }

    @Test func carryStepsAsideOnFastMotionAndStaysOnStillFootage() throws {
        let clean = try SwapDegradedMedia.clean.get()
        let fast = clean.enumerated().map { i, f in Self.shifted(f, by: i % 2 == 0 ? 0 : 12) }
        let fastLandmarks = try SwapMedia.landmarks(fast)
        let fresh = try SwapDegradedMedia.swap(fast, config: Self.config(carry: 0, motion: 8))
        let faded = try SwapDegradedMedia.swap(fast, config: Self.config(carry: FaceSwapOptions().temporalCarry, motion: 8))
        let always = try SwapDegradedMedia.swap(fast, config: Self.config(carry: FaceSwapOptions().temporalCarry, motion: .infinity))
        let dFaded = try Self.skinDifference(faded, fresh, landmarks: fastLandmarks)
        let dAlways = try Self.skinDifference(always, fresh, landmarks: fastLandmarks)

        let stillLandmarks = try SwapDegradedMedia.cleanLandmarks.get()
        let stillDefault = try SwapDegradedMedia.swap(clean)
        let stillAlways = try SwapDegradedMedia.swap(clean, config: Self.config(carry: FaceSwapOptions().temporalCarry, motion: .infinity))
        let stillFresh = try SwapDegradedMedia.swap(clean, config: Self.config(carry: 0, motion: 8))
        let dStill = try Self.skinDifference(stillDefault, stillAlways, landmarks: stillLandmarks)
        let carriedStill = try Self.skinDifference(stillDefault, stillFresh, landmarks: stillLandmarks)
        print("12-px jumps: carried vs fresh render \(dFaded) levels with the motion fade, \(dAlways) without; "
              + "still clip: default vs no fade \(dStill), default vs no carry \(carriedStill)")
        #expect(dFaded <= 0.3)            // fast motion: the fresh render shows
        #expect(dAlways >= 1)             // without the fade the carry did change those frames
        #expect(dStill <= 0.05 * carriedStill + 0.05)   // near-still footage keeps its carry
    }
}
