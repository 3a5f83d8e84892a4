import Foundation
import Neural
@testable import Diffusion

/// The DiffusionTests fixtures folder (made by scripts/diffusion-fixtures.py and scripts/diffusion-tokenizer-reference.py).
let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

/// The shipped CLIP BPE merges in the source checkout's models/.
let shippedBPE = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("models/clip-bpe-merges.txt")

/// Reference tensors produced by diffusers.
let references: SafeTensors = try! SafeTensors(contentsOf: fixtures.appendingPathComponent("references.safetensors"))

/// Largest absolute difference between two equally long arrays.
func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count)")
    var m: Float = 0
    for i in a.indices { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// PSNR in dB of `a` against `b`, both in 0...1.
func psnr(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var se = 0.0
    for i in a.indices { let d = Double(a[i] - b[i]); se += d * d }
    let mse = se / Double(a.count)
    return mse == 0 ? .infinity : 10 * log10(1 / mse)
}

/// A fresh empty temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-diffusion-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}
