import Testing
import Imaging

@Suite struct PoissonTests {
    static func disc(_ w: Int, _ h: Int, r: Float) -> Image {
        TestImages.function(width: w, height: h, channels: 1) { x, y, _ in
            let dx = x - Float(w) / 2, dy = y - Float(h) / 2
            return dx * dx + dy * dy < r * r ? 1 : 0
        }
    }

    // A source that differs from the target by a constant inside the mask has the target's
    // gradients, so the solution is the target itself; tolerance 1e-3.
    @Test func constantOffsetVanishes() {
        let target = TestImages.smooth(width: 48, height: 40)
        var source = target
        for i in source.data.indices { source.data[i] += 0.3 }
        let out = Image.poissonBlended(source: source, target: target, mask: Self.disc(48, 40, r: 12))
        #expect(out.maxAbsDifference(target) < 1e-3)
    }

    // Independent check: the result satisfies the discrete Poisson equation at every masked
    // pixel (residual ≤ 1e-3) and equals the target outside the mask (exactly).
    @Test func solvesDiscretePoissonEquation() {
        let w = 40, h = 36
        let source = TestImages.noise(width: w, height: h, seed: 31)
        let target = TestImages.smooth(width: w, height: h)
        let mask = Self.disc(w, h, r: 11)
        let f = Image.poissonBlended(source: source, target: target, mask: mask)
        var worst: Float = 0
        for y in 0..<h {
            for x in 0..<w {
                if mask[x, y, 0] <= 0.5 {
                    for c in 0..<3 { #expect(f[x, y, c] == target[x, y, c]) }
                    continue
                }
                for c in 0..<3 {
                    var lhs: Float = 0, guide: Float = 0
                    for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] {
                        lhs += f[x, y, c] - f[nx, ny, c]
                        guide += source[x, y, c] - source[nx, ny, c]
                    }
                    worst = max(worst, abs(lhs - guide))
                }
            }
        }
        #expect(worst < 1e-3, "worst Poisson residual \(worst)")
    }

    // An empty mask returns the target untouched.
    @Test func emptyMask() {
        let target = TestImages.noise(width: 10, height: 10, seed: 2)
        let out = Image.poissonBlended(source: TestImages.noise(width: 10, height: 10, seed: 3), target: target,
                                       mask: Image(width: 10, height: 10, channels: 1))
        #expect(out == target)
    }
}
