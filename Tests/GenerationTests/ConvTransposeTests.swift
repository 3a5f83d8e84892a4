import Testing
import Neural
@testable import Generation

/// Direct definition of PyTorch's ConvTranspose2d on NHWC data (scatter form), as an independent reference.
private func naive(_ x: [Float], n: Int, h: Int, w: Int, cin: Int, weight: [Float], cout: Int, k: Int, s: Int, p: Int) -> [Float] {
    let oh = (h - 1) * s - 2 * p + k, ow = (w - 1) * s - 2 * p + k
    var out = [Float](repeating: 0, count: n * oh * ow * cout)
    for b in 0..<n { for iy in 0..<h { for ix in 0..<w { for ci in 0..<cin {
        let v = x[((b * h + iy) * w + ix) * cin + ci]
        for co in 0..<cout { for ky in 0..<k { for kx in 0..<k {
            let oy = iy * s + ky - p, ox = ix * s + kx - p
            guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
            out[((b * oh + oy) * ow + ox) * cout + co] += v * weight[((ci * cout + co) * k + ky) * k + kx]
        } } }
    } } } }
    return out
}

@Test(arguments: [(1, 0, 1, 1), (2, 1, 3, 5), (2, 1, 4, 4), (3, 2, 2, 3)])
func convTransposeMatchesDirectDefinition(_ geometry: (Int, Int, Int, Int)) throws {
    let (s, p, h, w) = geometry
    let n = 3, cin = 5, cout = 7, k = 4
    var rng = SplitMix64(seed: UInt64(s * 100 + p * 10 + h))
    let x = rng.normalVector(count: n * h * w * cin)
    let wt = rng.normalVector(count: cin * cout * k * k)
    var layer = try ConvTranspose2D(pytorchWeight: Tensor(shape: [cin, cout, k, k], data: wt), stride: s, padding: p)
    let ref = naive(x, n: n, h: h, w: w, cin: cin, weight: wt, cout: cout, k: k, s: s, p: p)
    let out = try layer(Tensor(shape: [n, h, w, cin], data: x))
    #expect(out.shape == [n, (h - 1) * s - 2 * p + k, (w - 1) * s - 2 * p + k, cout])
    #expect(zip(out.data, ref).map { abs($0 - $1) }.max()! < 1e-4)
    // BatchNorm folding + ReLU equals BN applied after the convolution.
    let g = rng.normalVector(count: cout), b = rng.normalVector(count: cout), m = rng.normalVector(count: cout)
    let v = rng.normalVector(count: cout).map { $0 * $0 + 0.1 }
    try layer.foldBatchNorm(gamma: g, beta: b, mean: m, variance: v)
    let bn = try layer(Tensor(shape: [n, h, w, cin], data: x), activation: .relu)
    var maxErr: Float = 0
    for (i, r) in ref.enumerated() {
        let c = i % cout
        let e = max((r - m[c]) / (v[c] + 1e-5).squareRoot() * g[c] + b[c], 0)
        maxErr = max(maxErr, abs(bn.data[i] - e))
    }
    #expect(maxErr < 1e-4)
    #expect(throws: ConvTransposeError.self) { try layer(Tensor(shape: [1, 2, 2, cin + 1])) }
    #expect(throws: ConvTransposeError.self) { try ConvTranspose2D(pytorchWeight: Tensor(shape: [2, 3, 4, 5]), stride: 1, padding: 0) }
}
