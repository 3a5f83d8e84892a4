import Foundation
import Testing
import Neural
@testable import Generation

/// Swift forward pass vs the float64 numpy reference on the same fp16 weights.
/// Tolerance: 2e-3 max abs on the [-1, 1] output (the bound for fp16-stored weights);
/// the only differences left are float32 accumulation and BatchNorm folding, so the
/// measured error is far below it.
@Test func dcganMatchesNumpyReference() throws {
    let fx = try SafeTensors(contentsOf: repoRoot.appendingPathComponent("Tests/GenerationTests/Fixtures/dcgan-parity.safetensors"))
    let z = try fx.floats("z"), ref = try fx.floats("images")
    let n = z.count / 100
    let out = try sharedDCGAN.decode((0..<n).map { Array(z[($0 * 100)..<(($0 + 1) * 100)]) })
    var maxErr: Float = 0
    for i in 0..<n { for c in 0..<3 { for y in 0..<64 { for x in 0..<64 {
        let swift = out[i][x, y, c] * 2 - 1
        maxErr = max(maxErr, abs(swift - ref[((i * 3 + c) * 64 + y) * 64 + x]))
    } } } }
    #expect(maxErr <= 2e-3, "max abs error \(maxErr)")
    #expect(maxErr <= 1e-4, "fp32 path should be much tighter than the fp16 bound: \(maxErr)")
}

/// Batching must not change results: a batch of N decodes the same as N batches of one.
@Test func dcganBatchingIsConsistent() throws {
    var g = sharedDCGAN
    var rng = SplitMix64(seed: 7)
    let zs = (0..<5).map { _ in rng.normalVector(count: 100) }
    g.maxBatch = 2
    let a = try g.decode(zs)
    let b = try zs.map { try sharedDCGAN.decode([$0])[0] }
    #expect(a == b || zip(a, b).allSatisfy { zip($0.data, $1.data).allSatisfy { abs($0 - $1) < 1e-5 } })
    #expect(throws: GenerationError.self) { try sharedDCGAN.decode([[1, 2, 3]]) }
}
