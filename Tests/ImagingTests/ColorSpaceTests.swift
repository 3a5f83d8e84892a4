import Testing
import Imaging

func maxAbs(_ v: SIMD3<Float>) -> Float { max(abs(v.x), max(abs(v.y), abs(v.z))) }

@Suite struct ColorSpaceTests {
    // Tolerance: 1e-3 in sRGB units, the acceptance bound.
    @Test func labRoundTripOverColourGrid() {
        var worst: Float = 0
        for r in 0...16 {
            for g in 0...16 {
                for b in 0...16 {
                    let rgb = SIMD3<Float>(Float(r), Float(g), Float(b)) / 16
                    let back = ColorSpace.labToSrgb(ColorSpace.srgbToLab(rgb))
                    worst = max(worst, maxAbs(back - rgb))
                }
            }
        }
        #expect(worst < 1e-3, "worst grid round-trip error \(worst)")
    }

    // Tolerance: 1e-3 per sample on a 64×48 noise image with alpha; alpha must be untouched.
    @Test func labRoundTripOnImageKeepsAlpha() {
        let img = TestImages.noise(width: 64, height: 48, channels: 4, seed: 7)
        let lab = img.toLab()
        let back = Image.fromLab(lab)
        #expect(back.maxAbsDifference(img) < 1e-3)
        for p in 0..<img.pixelCount { #expect(lab.data[p * 4 + 3] == img.data[p * 4 + 3]) }
        // L stays in 0...100 for in-gamut input.
        for p in 0..<img.pixelCount { #expect(lab.data[p * 4] >= -1e-3 && lab.data[p * 4] <= 100.001) }
    }

    // Reference values from the CIE definitions with the sRGB D65 matrix (Lindbloom); tolerance 0.01.
    @Test(arguments: [
        (SIMD3<Float>(1, 1, 1), SIMD3<Float>(100, 0, 0)),
        (SIMD3<Float>(0, 0, 0), SIMD3<Float>(0, 0, 0)),
        (SIMD3<Float>(1, 0, 0), SIMD3<Float>(53.2408, 80.0925, 67.2032)),
        (SIMD3<Float>(0, 1, 0), SIMD3<Float>(87.7347, -86.1827, 83.1793)),
        (SIMD3<Float>(0, 0, 1), SIMD3<Float>(32.2970, 79.1875, -107.8602)),
        (SIMD3<Float>(0.5, 0.5, 0.5), SIMD3<Float>(53.3890, 0, 0)),
    ])
    func knownLabValues(rgb: SIMD3<Float>, expected: SIMD3<Float>) {
        let lab = ColorSpace.srgbToLab(rgb)
        #expect(maxAbs(lab - expected) < 0.01, "Lab of \(rgb) = \(lab), expected \(expected)")
    }

    // The exact piecewise sRGB curve: known points, continuity at the knee, round trip within 1e-6.
    @Test func srgbCurve() {
        #expect(abs(ColorSpace.srgbToLinear(0.5) - 0.2140411) < 1e-6)
        #expect(abs(ColorSpace.srgbToLinear(0.04045) - 0.04045 / 12.92) < 1e-7)
        #expect(abs(ColorSpace.linearToSrgb(0.0031308) - 0.0031308 * 12.92) < 1e-6)
        #expect(ColorSpace.srgbToLinear(1) == 1 && ColorSpace.srgbToLinear(0) == 0)
        for i in 0...1000 {
            let v = Float(i) / 1000
            #expect(abs(ColorSpace.linearToSrgb(ColorSpace.srgbToLinear(v)) - v) < 1e-6)
        }
        let img = TestImages.noise(width: 20, height: 10, seed: 3)
        #expect(img.toLinear().toSrgb().maxAbsDifference(img) < 1e-5)
        #expect(abs(img.toLinear()[3, 4, 1] - ColorSpace.srgbToLinear(img[3, 4, 1])) < 1e-6)
    }

    // The whole-image paths use tables and Float math; they must agree with the exact per-pixel
    // functions: sRGB curve within 1e-6 on a dense ramp (including the knee), Lab within 1e-3 units.
    @Test func imagePathsMatchExactFunctions() {
        let n = 20001
        let ramp = Image(width: n, height: 1, channels: 1, data: (0..<n).map { Float($0) / Float(n - 1) })
        let lin = ramp.toLinear(), enc = ramp.toSrgb()
        var worstDecode: Float = 0, worstEncode: Float = 0
        for i in 0..<n {
            worstDecode = max(worstDecode, abs(lin.data[i] - ColorSpace.srgbToLinear(ramp.data[i])))
            worstEncode = max(worstEncode, abs(enc.data[i] - ColorSpace.linearToSrgb(ramp.data[i])))
        }
        #expect(worstDecode < 1e-6 && worstEncode < 1e-6, "decode \(worstDecode), encode \(worstEncode)")
        let img = TestImages.noise(width: 50, height: 40, seed: 21)
        let lab = img.toLab()
        var worstLab: Float = 0
        for p in 0..<img.pixelCount {
            let exact = ColorSpace.srgbToLab(SIMD3(img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2]))
            worstLab = max(worstLab, maxAbs(SIMD3(lab.data[p * 3], lab.data[p * 3 + 1], lab.data[p * 3 + 2]) - exact))
        }
        #expect(worstLab < 1e-3, "image Lab differs from exact by \(worstLab)")
        // Out-of-range values take the exact path.
        let odd = Image(width: 2, height: 1, channels: 1, data: [-0.5, 1.5])
        #expect(odd.toLinear().data == [ColorSpace.srgbToLinear(-0.5), ColorSpace.srgbToLinear(1.5)])
    }
}
