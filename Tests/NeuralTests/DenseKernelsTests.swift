import Foundation
import Testing
@testable import Neural

/// The dense (diffusion) kernels against direct loops, at sizes that leave partial 6×32 tiles, several
/// K blocks and both thread splits. Tolerance: 1e-4 relative to the largest reference value.
@Suite struct DenseKernelsTests {
    struct Rng {
        var s: UInt64
        mutating func next() -> Float {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: s >> 11) % 2_000_001) / 1_000_000 - 1
        }
        mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
    }

    func close(_ a: [Float], _ b: [Float], _ tol: Float = 1e-4) -> Bool {
        let range = b.map(abs).max() ?? 1
        return zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(range, 1) }
    }

    @Test(arguments: [(7, 45, 300, 1), (13, 70, 513, 2), (64, 5, 40, 2), (1, 33, 9, 2)])
    func gemmMatchesLoops(_ dims: (Int, Int, Int, Int)) {
        let (m, n, k, t) = dims
        var r = Rng(s: UInt64(m * 1000 + n))
        let a = r.array(m * k), bt = r.array(n * k), c0 = r.array(m * n)
        var ref = c0
        for i in 0..<m { for j in 0..<n { for p in 0..<k { ref[i * n + j] += a[i * k + p] * bt[j * k + p] } } }
        var c = c0
        let threads = ComputeThreads(threads: t)
        a.withUnsafeBufferPointer { ap in
            bt.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    // B is given transposed (column stride K), as linear layers pass their weights.
                    DenseKernels.gemm(m: m, n: n, k: k, a: MatrixOperand(ap.baseAddress!, rowStride: k),
                                      b: MatrixOperand(bp.baseAddress!, rowStride: 1, colStride: k),
                                      c: cp.baseAddress!, ldc: n, accumulate: true, threads: threads)
                }
            }
        }
        #expect(close(c, ref))
    }

    // The last two are 3×3 "same" convs with ≥ 32 channels: the Winograd path (the last in small tile blocks).
    @Test(arguments: [(3, 10, 9, 5, 3, 1, 1, 0), (8, 12, 70, 16, 3, 2, 1, 0), (6, 16, 16, 40, 3, 2, 0, 0),
                      (5, 7, 6, 7, 1, 1, 0, 0), (32, 10, 12, 40, 3, 1, 1, 0), (40, 14, 22, 32, 3, 1, 1, 1),
                      (32, 6, 40, 32, 3, 1, 1, 0), (32, 8, 66, 33, 3, 1, 1, 1)])
    func convMatchesLoops(_ g: (Int, Int, Int, Int, Int, Int, Int, Int)) {
        let (cin, h, w, cout, ks, stride, pad, smallBlocks) = g
        let oh = stride == 2 && pad == 0 ? (h + 1 - 3) / 2 + 1 : (h + 2 * pad - ks) / stride + 1
        let ow = stride == 2 && pad == 0 ? (w + 1 - 3) / 2 + 1 : (w + 2 * pad - ks) / stride + 1
        let shape = DenseKernels.ConvShape(channels: cin, height: h, width: w, outChannels: cout, kernel: ks, stride: stride,
                                           padTop: pad, padLeft: pad, outHeight: oh, outWidth: ow)
        var r = Rng(s: UInt64(cin * 7 + h))
        let batch = 2
        let x = r.array(batch * cin * h * w), wt = r.array(cout * cin * ks * ks)
        var ref = [Float](repeating: 0, count: batch * cout * oh * ow)
        for b in 0..<batch { for o in 0..<cout { for y in 0..<oh { for xx in 0..<ow {
            var s: Float = 0
            for c in 0..<cin { for ky in 0..<ks { for kx in 0..<ks {
                let iy = y * stride - pad + ky, ix = xx * stride - pad + kx
                if iy >= 0 && iy < h && ix >= 0 && ix < w { s += x[((b * cin + c) * h + iy) * w + ix] * wt[((o * cin + c) * ks + ky) * ks + kx] }
            } } }
            ref[((b * cout + o) * oh + y) * ow + xx] = s
        } } } }
        var out = [Float](repeating: 0, count: ref.count)
        x.withUnsafeBufferPointer { xp in
            wt.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    if smallBlocks == 1 {
                        #expect(DenseKernels.winogradApplies(shape))
                        DenseKernels.winogradConv(shape, batch: batch, input: xp.baseAddress!, weight: wp.baseAddress!,
                                                  output: op.baseAddress!, threads: ComputeThreads(threads: 2), blockFloats: 16 * 40 * 40)
                    } else {
                        DenseKernels.conv2d(shape, batch: batch, input: xp.baseAddress!, weight: wp.baseAddress!,
                                            output: op.baseAddress!, accumulate: false, threads: ComputeThreads(threads: 2))
                    }
                }
            }
        }
        #expect(close(out, ref))
    }

    @Test(arguments: [1 << 19, 64])
    func attentionMatchesLoops(_ chunkFloats: Int) {
        let batch = 2, tq = 37, tk = 19, heads = 3, dh = 5, inner = heads * dh
        var r = Rng(s: 99)
        let q = r.array(batch * tq * inner), k = r.array(batch * tk * inner), v = r.array(batch * tk * inner)
        let scale: Float = 0.7
        var ref = [Float](repeating: 0, count: batch * tq * inner)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<tq {
            var s = [Float](repeating: 0, count: tk)
            for j in 0..<tk { for d in 0..<dh { s[j] += q[(b * tq + i) * inner + h * dh + d] * k[(b * tk + j) * inner + h * dh + d] * scale } }
            let mx = s.max()!, e = s.map { Foundation.exp($0 - mx) }, z = e.reduce(0, +)
            for d in 0..<dh { ref[(b * tq + i) * inner + h * dh + d] = (0..<tk).reduce(0) { $0 + e[$1] / z * v[(b * tk + $1) * inner + h * dh + d] } }
        } } }
        var out = [Float](repeating: 0, count: ref.count)
        DenseKernels.attention(q: q, qStride: inner, k: k, v: v, kvStride: inner, out: &out, outStride: inner, batch: batch,
                               tq: tq, tk: tk, heads: heads, headDim: dh, scale: scale,
                               threads: ComputeThreads(threads: 2), chunkFloats: chunkFloats)
        #expect(close(out, ref))
    }

    @Test func normsAndActivations() {
        var r = Rng(s: 5)
        let n = 2, c = 6, hw = 37, groups = 3
        let x = r.array(n * c * hw).map { $0 * 3 + 1 }, gamma = r.array(c), beta = r.array(c)
        var out = [Float](repeating: 0, count: x.count)
        DenseKernels.groupNorm(x, batch: n, channels: c, spatial: hw, groups: groups, eps: 1e-5, gamma: gamma, beta: beta,
                               silu: true, out: &out, threads: ComputeThreads(threads: 2))
        var ref = [Float](repeating: 0, count: x.count)
        let per = c / groups * hw
        for b in 0..<n { for g in 0..<groups {
            let base = (b * groups + g) * per, vals = x[base..<(base + per)]
            let mean = vals.reduce(0, +) / Float(per)
            let varc = vals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(per)
            for i in 0..<per {
                let ch = g * (c / groups) + i / hw
                let y = (x[base + i] - mean) / (varc + 1e-5).squareRoot() * gamma[ch] + beta[ch]
                ref[base + i] = y / (1 + Foundation.exp(-y))
            }
        } }
        #expect(close(out, ref))
        // GEGLU with exact GELU.
        let rows = 3, dim = 21
        let gx = r.array(rows * 2 * dim).map { $0 * 4 }
        var gout = [Float](repeating: 0, count: rows * dim)
        DenseKernels.geglu(gx, rows: rows, dim: dim, out: &gout, threads: ComputeThreads(threads: 1))
        var gref = [Float](repeating: 0, count: rows * dim)
        for i in 0..<rows { for j in 0..<dim {
            let g = gx[i * 2 * dim + dim + j]
            gref[i * dim + j] = gx[i * 2 * dim + j] * g * 0.5 * (1 + Foundation.erf(g / 2.0.squareRoot().asFloat))
        } }
        #expect(close(gout, gref, 1e-5))
    }
}

private extension Double { var asFloat: Float { Float(self) } }

/// Bulk fp16/bf16 conversion against the scalar reference on every binary16 bit pattern.
@Suite struct HalfPrecisionTests {
    @Test func everyHalfPattern() {
        let patterns = (0...UInt16.max).map { $0 }
        var out = [Float](repeating: 0, count: patterns.count)
        patterns.withUnsafeBytes { HalfPrecision.float16ToFloat($0.baseAddress!, &out, count: patterns.count) }
        for (i, h) in patterns.enumerated() {
            let ref = float16BitsToFloat(h)
            #expect(ref.isNaN ? out[i].isNaN : out[i].bitPattern == ref.bitPattern, "pattern \(h)")
            if !(ref.isNaN ? out[i].isNaN : out[i].bitPattern == ref.bitPattern) { break }
        }
        var bf = [Float](repeating: 0, count: 37)
        let src: [UInt16] = (0..<37).map { UInt16(truncatingIfNeeded: $0 &* 1777) }
        src.withUnsafeBytes { HalfPrecision.bfloat16ToFloat($0.baseAddress!, &bf, count: 37) }
        #expect(zip(src, bf).allSatisfy { Float(bitPattern: UInt32($0) << 16).bitPattern == $1.bitPattern })
    }
}
