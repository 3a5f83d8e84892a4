import Foundation
import Testing
import Imaging
import struct Imaging.AffineTransform

/// The same properties as the synthetic tests, on a real photo (Fixtures/astronaut-128.ppm).
@Suite struct PhotoTests {
    // Lab round trip within 1e-3 on every sample of the photo (image path and exact per-pixel path).
    @Test func labRoundTrip() throws {
        let photo = try PhotoFixture.astronaut()
        #expect(photo.width == 128 && photo.height == 128)
        #expect(Image.fromLab(photo.toLab()).maxAbsDifference(photo) < 1e-3)
        var worst: Float = 0
        for p in 0..<photo.pixelCount {
            let rgb = SIMD3(photo.data[p * 3], photo.data[p * 3 + 1], photo.data[p * 3 + 2])
            worst = max(worst, maxAbs(ColorSpace.labToSrgb(ColorSpace.srgbToLab(rgb)) - rgb))
        }
        #expect(worst < 1e-3)
    }

    // Laplacian collapse within 1e-5; blending the photo with itself under any mask returns it (1e-5).
    @Test func pyramidsOnPhoto() throws {
        let photo = try PhotoFixture.astronaut()
        #expect(LaplacianPyramid(photo, levels: 6).collapse().maxAbsDifference(photo) < 1e-5)
        let ramp = TestImages.function(width: 128, height: 128, channels: 1) { x, _, _ in x / 127 }
        #expect(LaplacianPyramid.blend(photo, photo, mask: ramp, levels: 5).maxAbsDifference(photo) < 1e-5)
    }

    // Area halving equals the 2×2 block means (1e-6); a quarter turn about the centre is the index
    // map (1e-4); warp + inverse warp loses less than 0.04 mean-abs in the interior of a real photo
    // (two bilinear passes blur texture; measured 0.029).
    @Test func resizeAndWarpOnPhoto() throws {
        let photo = try PhotoFixture.astronaut()
        let half = photo.resized(width: 64, height: 64, filter: .area)
        var worst: Float = 0
        for y in 0..<64 {
            for x in 0..<64 {
                for c in 0..<3 {
                    let m = (photo[2 * x, 2 * y, c] + photo[2 * x + 1, 2 * y, c] + photo[2 * x, 2 * y + 1, c] + photo[2 * x + 1, 2 * y + 1, c]) / 4
                    worst = max(worst, abs(half[x, y, c] - m))
                }
            }
        }
        #expect(worst < 1e-6)
        let turned = photo.warpedAffine(.rotation(Float.pi / 2, aboutX: 63.5, y: 63.5))
        var worstTurn: Float = 0
        for y in 0..<128 { for x in 0..<128 { worstTurn = max(worstTurn, abs(turned[x, y, 0] - photo[127 - y, x, 0])) } }
        #expect(worstTurn < 1e-4)
        let t = AffineTransform.similarity(scale: 1.05, rotation: 0.2, tx: -8, ty: 6)
        let back = photo.warpedAffine(t).warpedAffine(t.inverted())
        var sum: Float = 0
        for y in 24..<104 { for x in 24..<104 { for c in 0..<3 { sum += abs(back[x, y, c] - photo[x, y, c]) } } }
        let mae = sum / Float(80 * 80 * 3)
        #expect(mae < 0.04, "warp round-trip mean abs error \(mae)")
    }
}
