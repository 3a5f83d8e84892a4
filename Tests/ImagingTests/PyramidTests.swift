import Testing
import Imaging

@Suite struct PyramidTests {
    // Odd sizes halve with rounding up: 37×23 → 19×12 → 10×6 → 5×3 → 3×2.
    @Test func levelSizes() {
        let g = GaussianPyramid(TestImages.noise(width: 37, height: 23), levels: 5)
        #expect(g.levels.map(\.width) == [37, 19, 10, 5, 3])
        #expect(g.levels.map(\.height) == [23, 12, 6, 3, 2])
        #expect(GaussianPyramid(Image(width: 4, height: 4), levels: 10).count == 3)
    }

    // Collapse of the Laplacian pyramid reproduces the input within 1e-5.
    @Test(arguments: [(37, 23), (64, 48), (5, 9)])
    func laplacianCollapseIsExact(size: (Int, Int)) {
        let src = TestImages.noise(width: size.0, height: size.1, seed: 12)
        let l = LaplacianPyramid(src, levels: 6)
        #expect(l.collapse().maxAbsDifference(src) < 1e-5)
    }

    // A constant's Gaussian levels stay constant and its Laplacian bands are zero; tolerance 1e-6.
    @Test func constantPyramid() {
        let src = Image(width: 33, height: 21, channels: 3, fill: 0.7)
        for level in GaussianPyramid(src, levels: 4).levels {
            #expect(level.maxAbsDifference(Image(width: level.width, height: level.height, channels: 3, fill: 0.7)) < 1e-6)
        }
        let l = LaplacianPyramid(src, levels: 4)
        for band in l.levels.dropLast() { #expect(band.data.allSatisfy { abs($0) < 1e-6 }) }
    }

    // Reduce keeps a linear ramp (binomial kernel is symmetric): level 1 at j equals the ramp at 2j; 1e-5.
    @Test func reduceSamplesEvenPixels() {
        let src = TestImages.function(width: 30, height: 30, channels: 1) { x, y, _ in 0.02 * x + 0.01 * y }
        let r = src.pyramidReduced()
        for j in 1..<14 { for i in 1..<14 { #expect(abs(r[i, j, 0] - (0.04 * Float(i) + 0.02 * Float(j))) < 1e-5) } }
    }

    // Blending with an all-ones mask gives a, all-zeros gives b (1e-5); a step mask gives a far on
    // its side and b far on the other (1e-3), and a seam value in between.
    @Test func blendMasks() {
        let a = TestImages.noise(width: 64, height: 40, seed: 1)
        let b = TestImages.noise(width: 64, height: 40, seed: 2)
        let ones = Image(width: 64, height: 40, channels: 1, fill: 1)
        let zeros = Image(width: 64, height: 40, channels: 1, fill: 0)
        #expect(LaplacianPyramid.blend(a, b, mask: ones, levels: 5).maxAbsDifference(a) < 1e-5)
        #expect(LaplacianPyramid.blend(a, b, mask: zeros, levels: 5).maxAbsDifference(b) < 1e-5)
        let flatA = Image(width: 64, height: 40, channels: 3, fill: 0.9)
        let flatB = Image(width: 64, height: 40, channels: 3, fill: 0.1)
        let step = TestImages.function(width: 64, height: 40, channels: 1) { x, _, _ in x < 32 ? 1 : 0 }
        let mixed = LaplacianPyramid.blend(flatA, flatB, mask: step, levels: 3)
        #expect(abs(mixed[2, 20, 0] - 0.9) < 1e-3)
        #expect(abs(mixed[61, 20, 0] - 0.1) < 1e-3)
        #expect(mixed[31, 20, 0] > 0.1 && mixed[31, 20, 0] < 0.9)
    }
}
