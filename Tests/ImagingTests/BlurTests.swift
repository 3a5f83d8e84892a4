import Testing
import Imaging

@Suite struct BlurTests {
    // A constant image is unchanged (clamp-to-edge borders); tolerance 1e-6.
    @Test func constantIsPreserved() {
        let src = Image(width: 50, height: 31, channels: 3, fill: 0.4)
        #expect(src.gaussianBlurred(sigma: 2.5).maxAbsDifference(src) < 1e-6)
    }

    // The impulse response sums to 1, is the outer product of the 1-D kernel, and has variance σ²
    // along each axis within 3% (the kernel is truncated at 3σ, which removes ≈2.7% of the variance).
    @Test(arguments: [Float(1), 2, 3.5])
    func impulseResponse(sigma: Float) {
        let n = 41, c = 20
        var src = Image(width: n, height: n, channels: 1)
        src[c, c, 0] = 1
        let out = src.gaussianBlurred(sigma: sigma)
        let k = Image.gaussianKernel(sigma: sigma)
        let r = k.count / 2
        var sum: Double = 0, varX: Double = 0, varY: Double = 0
        for y in 0..<n {
            for x in 0..<n {
                let v = Double(out[x, y, 0])
                sum += v
                varX += v * Double((x - c) * (x - c))
                varY += v * Double((y - c) * (y - c))
                let dx = x - c, dy = y - c
                let expected: Float = abs(dx) <= r && abs(dy) <= r ? k[dx + r] * k[dy + r] : 0
                #expect(abs(out[x, y, 0] - expected) < 1e-6)
            }
        }
        let s2 = Double(sigma * sigma)
        #expect(abs(sum - 1) < 1e-5)
        #expect(abs(varX - s2) / s2 < 0.03 && abs(varY - s2) / s2 < 0.03, "variance \(varX), \(varY) vs \(s2)")
    }

    // Independent reference: direct 2-D convolution with clamped indices on noise; tolerance 1e-5.
    @Test func matchesDirectConvolution() {
        let src = TestImages.noise(width: 23, height: 17, seed: 8)
        let sigma: Float = 1.7
        let out = src.gaussianBlurred(sigma: sigma)
        let k = Image.gaussianKernel(sigma: sigma), r = k.count / 2
        for y in 0..<17 {
            for x in 0..<23 {
                for c in 0..<3 {
                    var acc: Float = 0
                    for j in -r...r {
                        for i in -r...r {
                            acc += k[i + r] * k[j + r] * src[min(max(x + i, 0), 22), min(max(y + j, 0), 16), c]
                        }
                    }
                    #expect(abs(out[x, y, c] - acc) < 1e-5)
                }
            }
        }
    }

    // A symmetric kernel leaves a linear ramp unchanged away from the borders; tolerance 1e-5.
    @Test func linearRampUnchangedInInterior() {
        let src = TestImages.function(width: 40, height: 40, channels: 1) { x, y, _ in 0.01 * x - 0.005 * y + 0.3 }
        let out = src.gaussianBlurred(sigma: 2)
        for y in 7..<33 { for x in 7..<33 { #expect(abs(out[x, y, 0] - src[x, y, 0]) < 1e-5) } }
    }
}
