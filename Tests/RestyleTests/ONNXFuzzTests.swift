import Foundation
import Neural
import Testing
@testable import Restyle

/// Deterministic xorshift for the fuzzer.
struct FuzzRandom {
    var state: UInt64
    mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// The ONNX reader, the network builders and ONNXGraph on mutated copies of the shipped files (byte
/// flips, varint-breaking bytes, truncation, spliced ranges): each either throws or yields a model
/// that builds and runs on a small input; none traps or hangs. Also the empty file and random bytes.
@Test func onnxReaderSurvivesMutations() throws {
    var rng = FuzzRandom(state: 0x0DDC0FFEE)
    var thrown = 0, total = 0
    for name in [PaintingNetwork.fileName, ArbitraryStyleNetwork.transformFile] {
        let original = [UInt8](try Data(contentsOf: ModelLocator.url(named: name)))
        for _ in 0..<150 {
            var b = original
            switch rng.below(4) {
            case 0: for _ in 0..<(1 + rng.below(8)) { b[rng.below(b.count)] ^= UInt8(1 << rng.below(8)) }
            case 1: for _ in 0..<(1 + rng.below(4)) { b[rng.below(b.count)] = 0xFF }
            case 2: b = Array(b.prefix(rng.below(b.count)))
            default:
                let at = rng.below(b.count), len = rng.below(64)
                b.replaceSubrange(at..<min(b.count, at + len), with: (0..<rng.below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            total += 1
            do {
                let model = try ONNXModel(bytes: b)
                if name == PaintingNetwork.fileName {
                    let net = try PaintingNetwork(model: model)
                    var w = [Float](repeating: 0, count: 26); w[0] = 1
                    _ = try net.run(Tensor(shape: [1, 16, 16, 3]), net.conditioning(weights: w), team: ComputeTeam(threads: 1))
                } else {
                    let g = try ONNXGraph(model: model)
                    var inputs: [String: Tensor] = [:]
                    for n in g.inputNames { inputs[n] = n.hasPrefix("content") ? Tensor(shape: [1, 16, 16, 3]) : Tensor(shape: [1, 1, 1, 100]) }
                    _ = try g.run(inputs, team: ComputeTeam(threads: 1))
                }
            } catch { thrown += 1 }
        }
    }
    for bytes in [[], [UInt8](repeating: 0xFF, count: 64), (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }] {
        total += 1
        #expect(throws: (any Error).self) { _ = try ONNXGraph(model: ONNXModel(bytes: bytes)) }
    }
    print("onnx fuzz: \(total) inputs, \(thrown) of the mutants threw")
    #expect(thrown >= 100, "the fuzzer is not reaching the parser")
}
