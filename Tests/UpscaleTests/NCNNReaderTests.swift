import Foundation
import Testing
@testable import Neural

private let compactParam = try! String(contentsOf: ModelLocator.url(named: "realesr-animevideov3-x4.param"), encoding: .utf8)
private let compactBin = try! Data(contentsOf: ModelLocator.url(named: "realesr-animevideov3-x4.bin"))

/// Facts about the real compact model: 40 layers, every PReLU fused into its convolution.
@Test func readsTheCompactModel() throws {
    let p = try NCNNParam(text: compactParam)
    #expect(p.layers.count == 40 && p.blobNames.count == 41)
    #expect(p.layers[2].type == "Convolution" && p.layers[2].values[0] == 64 && p.layers[2].values[6] == 1728)
    let net = try NCNNNet(param: compactParam, weights: compactBin, threads: 1)
    #expect(net.inputChannels == 3)
    // Input + 18 convs (PReLUs fused) + pixel shuffle + nearest + add = 22 ops (Split is an alias).
    #expect(net.opCount == 22)
    #expect(throws: NCNNError.self) { try net.run(Tensor(shape: [1, 8, 8, 4])) }
}

/// The parser and loader throw, never trap, on malformed files: truncations, random byte flips and
/// token edits of the real model, and hand-made hostile headers.
@Test func malformedModelsThrow() throws {
    let bad = ["", "7767517", "7767518\n1 1\nInput in 0 1 data", "7767517\n999999999 1\n", "7767517\n1 1\nInput in 0 1 data extra=",
               "7767517\n2 2\nInput in 0 1 a\nConvolution c 1 1 b o 0=1 1=3 6=9", "7767517\n1 1\nInput in 0 1 a -23310=5,1",
               "7767517\n2 2\nInput in 0 1 a\nConvolution c 1 1 a o 0=-4 1=3 6=9"]
    for text in bad {
        #expect(throws: NCNNError.self, "\(text.debugDescription)") { _ = try NCNNNet(param: text, weights: Data([0, 0, 0, 0]), threads: 1) }
    }
    // Weights cut short or with a quantised tag.
    #expect(throws: NCNNError.self) { _ = try NCNNNet(param: compactParam, weights: compactBin.prefix(compactBin.count - 4), threads: 1) }
    var tagged = compactBin
    tagged[0] = 0x38; tagged[1] = 0x4B; tagged[2] = 0x0D; tagged[3] = 0x00
    #expect(throws: NCNNError.self) { _ = try NCNNNet(param: compactParam, weights: tagged, threads: 1) }
    // Fuzz: edit one token of the text graph, or flip bytes of the weights; whatever loads must run or throw.
    var rng = SystemRandomNumberGenerator()
    var tokens = compactParam.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    let replacements = ["0", "-1", "99999999", "1e40", "nan", "x", "=", "-23310=3,1", "Interp", "2=0", ""]
    for round in 0..<120 {
        let input = try Tensor(shape: [1, 5, 7, 3], data: (0..<105).map { Float($0) / 105 })
        if round % 2 == 0 {
            let i = Int.random(in: 0..<tokens.count, using: &rng)
            let saved = tokens[i]
            tokens[i] = replacements.randomElement(using: &rng)!
            if let net = try? NCNNNet(param: tokens.joined(separator: " "), weights: compactBin, threads: 1) { _ = try? net.run(input) }
            tokens[i] = saved
        } else {
            var w = compactBin
            for _ in 0..<4 { w[Int.random(in: 0..<w.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
            if let net = try? NCNNNet(param: compactParam, weights: w, threads: 1) { _ = try? net.run(input) }
        }
    }
}

/// The Winograd path against the direct (implicit GEMM) path on random data, with bias, PReLU slopes and
/// a residual, odd sizes and padding 1: |Δ| ≤ 1e-4 × the output scale.
@Test(arguments: [(16, 16, 7, 9), (32, 48, 13, 12), (64, 8, 5, 5)])
func winogradMatchesDirect(inC: Int, outC: Int, h: Int, w: Int) throws {
    var rng = SystemRandomNumberGenerator()
    func rand(_ n: Int) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &rng) } }
    let filter = rand(outC * 9 * inC), bias = rand(outC), alpha = rand(outC).map { abs($0) * 0.3 }
    let input = rand(h * w * inC), residual = rand(h * w * outC)
    let team = WorkerTeam(threads: 2)
    let nPad = (outC + 15) / 16 * 16
    let pBias = PackedGemm.paddedBias(bias[...], n: outC), pAlpha = alpha + [Float](repeating: 0, count: nPad - outC)
    // Direct.
    let g = ConvGeometry(batch: 1, inH: h, inW: w, inC: inC, outH: h, outW: w, outC: outC, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
                         dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1)
    var k = Conv2DKernel(geometry: g, activation: .none)
    k.packed = (0, 0); k.preluAlpha = 0; k.residualChannels = outC
    let packed = PackedGemm.pack(filter: filter[...], n: outC, k: 9 * inC)
    var direct = [Float](repeating: 0, count: h * w * outC), wino = direct
    let wc = WinogradConv(inH: h, inW: w, inC: inC, outH: h, outW: w, outC: outC, padTop: 1, padLeft: 1, activation: .none, threads: 2)
    let u = WinogradConv.transformFilter(filter, outC: outC, inC: inC)
    let scratch = (0..<2).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(k.scratchFloats, wc.scratchFloats)) }
    defer { for s in scratch { s.deallocate() } }
    let zeros = [Float](repeating: 0, count: nPad)
    k.run(input: input, filter: packed, bias: nil, packedWeights: packed, packedBias: pBias, preluAlpha: pAlpha, residual: residual,
          output: &direct, scratch: scratch, team: team)
    wc.run(input: input, packedU: u, bias: pBias, zeroBias: zeros, alpha: pAlpha, residual: residual, output: &wino, scratch: scratch, team: team)
    let scale = direct.map(abs).max() ?? 1
    let err = zip(direct, wino).map { abs($0 - $1) }.max() ?? 0
    #expect(err <= 1e-4 * scale, "max |Δ| \(err) at scale \(scale)")
}

/// Pixel shuffle (both modes) and nearest upsampling against their index definitions.
@Test func layoutKernels() {
    let h = 3, w = 2, c = 2, r = 2
    let input = (0..<(h * w * c * r * r)).map(Float.init)
    var out = [Float](repeating: -1, count: input.count)
    for mode in [0, 1] {
        pixelShuffleKernel(input, h: h, w: w, outC: c, factor: r, mode: mode, &out, team: nil)
        for y in 0..<(h * r) { for x in 0..<(w * r) { for ch in 0..<c {
            let i = y % r, j = x % r
            let src = mode == 0 ? ch * r * r + i * r + j : (i * r + j) * c + ch
            #expect(out[(y * w * r + x) * c + ch] == input[((y / r) * w + x / r) * c * r * r + src])
        } } }
    }
    let small = (0..<(h * w * c)).map(Float.init)
    var up = [Float](repeating: -1, count: h * 3 * w * 2 * c)
    nearestUpsampleKernel(small, h: h, w: w, c: c, scaleY: 3, scaleX: 2, &up, team: nil)
    for y in 0..<(h * 3) { for x in 0..<(w * 2) { for ch in 0..<c {
        #expect(up[(y * w * 2 + x) * c + ch] == small[((y / 3) * w + x / 2) * c + ch])
    } } }
}
