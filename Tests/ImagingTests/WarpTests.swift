import Foundation
import Testing
import Imaging
import struct Imaging.AffineTransform

@Suite struct WarpTests {
    // Algebra of the transform type; tolerance 1e-5 (Float coefficients).
    @Test func transformAlgebra() {
        let t = AffineTransform.similarity(scale: 1.3, rotation: 0.4, tx: 12, ty: -7)
        let id = t.concatenating(t.inverted())
        for (u, v) in [(id.a, Float(1)), (id.b, 0), (id.c, 0), (id.d, 1), (id.tx, 0), (id.ty, 0)] {
            #expect(abs(u - v) < 1e-5)
        }
        // concatenating applies self first, then the argument.
        let p = AffineTransform.translation(x: 2, y: 3).concatenating(.scale(10)).apply(1, 1)
        #expect(p == SIMD2(30, 40))
        let r = AffineTransform.rotation(Float.pi / 2, aboutX: 5, y: 5).apply(6, 5)
        #expect(abs(r.x - 5) < 1e-5 && abs(r.y - 6) < 1e-5)
        #expect(!AffineTransform.scale(x: 0, y: 1).isInvertible)
        #expect(AffineTransform.scale(x: 0, y: 1).inverted().a.isNaN)
    }

    // Warping bytes straight to floats equals converting first, bit for bit, for 1, 3 and 4
    // channels, including the borders (fill) and a crop reaching past the image.
    @Test func byteWarpEqualsFloatWarp() {
        let t = AffineTransform.similarity(scale: 0.7, rotation: 0.5, tx: 9, ty: -6)
        for ch in [1, 3, 4] {
            var bytes = ByteImage(width: 37, height: 23, channels: ch)
            for i in bytes.data.indices { bytes.data[i] = UInt8((i * 89 + 17) % 256) }
            let direct = Image(warping: bytes, t, width: 41, height: 29, fill: 0.3)
            #expect(direct == Image(bytes).warpedAffine(t, width: 41, height: 29, fill: 0.3))
        }
    }

    // An integer translation is an exact shift; uncovered pixels get the fill value. Exact (1e-6).
    @Test func integerTranslationShifts() {
        let src = TestImages.noise(width: 30, height: 20, seed: 4)
        let out = src.warpedAffine(.translation(x: 3, y: -2), width: 30, height: 20, fill: 0.25)
        for y in 0..<20 {
            for x in 0..<30 {
                let sx = x + 3, sy = y - 2
                for c in 0..<3 {
                    let expected = sx < 30 && sy >= 0 ? src[sx, sy, c] : 0.25
                    #expect(abs(out[x, y, c] - expected) < 1e-6)
                }
            }
        }
    }

    // A 90° rotation about the centre is the index map out(x, y) = in(n-1-y, x); tolerance 1e-4
    // (cos(π/2) is not exactly 0 in Float).
    @Test func quarterTurnMatchesIndexMap() {
        let n = 33
        let src = TestImages.noise(width: n, height: n, seed: 9)
        let c = Float(n - 1) / 2
        let out = src.warpedAffine(.rotation(Float.pi / 2, aboutX: c, y: c), width: n, height: n)
        var worst: Float = 0
        for y in 0..<n {
            for x in 0..<n {
                for ch in 0..<3 { worst = max(worst, abs(out[x, y, ch] - src[n - 1 - y, x, ch])) }
            }
        }
        #expect(worst < 1e-4)
    }

    // Warping with t and then with t⁻¹ returns the image in the interior. Two bilinear passes on a
    // smooth pattern (period ≥ 32 px) lose ≤ 0.01; a coarse pattern would lose more, so this also
    // checks we are not blurring more than bilinear should.
    @Test func warpThenInverseReproducesInterior() {
        let w = 96, h = 80
        let src = TestImages.smooth(width: w, height: h)
        let t = AffineTransform.translation(x: -48, y: -40)
            .concatenating(.similarity(scale: 1.1, rotation: 0.3, tx: 0, ty: 0))
            .concatenating(.translation(x: 50.5, y: 38.25))
        let there = src.warpedAffine(t, width: w, height: h)
        let back = there.warpedAffine(t.inverted(), width: w, height: h)
        var worst: Float = 0
        var checked = 0
        for y in 20..<(h - 20) {
            for x in 20..<(w - 20) {
                for c in 0..<3 { worst = max(worst, abs(back[x, y, c] - src[x, y, c])) }
                checked += 1
            }
        }
        #expect(checked > 1000)
        #expect(worst < 0.01, "worst interior error \(worst)")
    }

    // Identity warp is exact, a half-pixel shift averages neighbours, and `sample` agrees with warp.
    @Test func bilinearSampling() {
        let src = TestImages.noise(width: 12, height: 9, seed: 6)
        #expect(src.warpedAffine(.identity) == src)
        let half = src.warpedAffine(.translation(x: 0.5, y: 0), width: 11, height: 9)
        for y in 0..<9 {
            for x in 0..<11 {
                #expect(abs(half[x, y, 1] - (src[x, y, 1] + src[x + 1, y, 1]) / 2) < 1e-6)
                #expect(abs(src.sample(x: Float(x) + 0.5, y: Float(y), c: 1) - half[x, y, 1]) < 1e-6)
            }
        }
        let ramp = TestImages.function(width: 10, height: 10, channels: 1) { x, y, _ in 0.03 * x + 0.05 * y }
        #expect(abs(ramp.sample(x: 3.3, y: 6.7, c: 0) - (0.03 * 3.3 + 0.05 * 6.7)) < 1e-5)
        #expect(ramp.sample(x: -5, y: 100, c: 0) == ramp[0, 9, 0])
    }
}

@Suite struct EstimateTests {
    static let points: [SIMD2<Float>] = [SIMD2(10, 12), SIMD2(50, 8), SIMD2(33, 40), SIMD2(5, 60), SIMD2(70, 71)]

    // Exact correspondences recover the generating transform; tolerance 1e-3 on coefficients.
    @Test func recoversKnownTransforms() throws {
        let sim = AffineTransform.similarity(scale: 0.8, rotation: -0.6, tx: 14, ty: 3)
        let s = try #require(AffineTransform.estimateSimilarity(from: Self.points, to: Self.points.map(sim.apply)))
        let aff = AffineTransform(a: 1.2, b: 0.3, c: -0.2, d: 0.9, tx: -5, ty: 11)
        let f = try #require(AffineTransform.estimateAffine(from: Self.points, to: Self.points.map(aff.apply)))
        for (got, want) in [(s, sim), (f, aff)] {
            for (u, v) in [(got.a, want.a), (got.b, want.b), (got.c, want.c), (got.d, want.d), (got.tx, want.tx), (got.ty, want.ty)] {
                #expect(abs(u - v) < 1e-3, "\(got) vs \(want)")
            }
        }
    }

    // A similarity fit to affine-distorted points is the least-squares optimum: nudging any
    // parameter increases the residual.
    @Test func similarityIsLeastSquares() throws {
        let aff = AffineTransform(a: 1.2, b: 0.3, c: -0.2, d: 0.9, tx: -5, ty: 11)
        let target = Self.points.map(aff.apply)
        let s = try #require(AffineTransform.estimateSimilarity(from: Self.points, to: target))
        func residual(_ t: AffineTransform) -> Float {
            zip(Self.points, target).map { p, q in let d = t.apply(p) - q; return (d * d).sum() }.reduce(0, +)
        }
        let best = residual(s)
        for delta: Float in [-0.01, 0.01] {
            let scaled = AffineTransform(a: s.a + delta, b: s.b, c: s.c, d: s.d + delta, tx: s.tx, ty: s.ty)
            let turned = AffineTransform(a: s.a, b: s.b - delta, c: s.c + delta, d: s.d, tx: s.tx, ty: s.ty)
            let moved = AffineTransform(a: s.a, b: s.b, c: s.c, d: s.d, tx: s.tx + delta * 10, ty: s.ty)
            #expect(residual(scaled) > best && residual(turned) > best && residual(moved) > best)
        }
        #expect(AffineTransform.estimateSimilarity(from: [SIMD2(1, 1), SIMD2(1, 1)], to: [SIMD2(0, 0), SIMD2(2, 2)]) == nil)
        #expect(AffineTransform.estimateAffine(from: [SIMD2(0, 0), SIMD2(1, 1), SIMD2(2, 2)], to: Self.points.prefix(3).map { $0 }) == nil)
    }
}
