import Foundation
import Neural
@testable import Diffusion

/// One reference case from scripts/diffusion-nets-fixtures.py: weights ("weights." + diffusers name, fp16),
/// inputs ("input.") and diffusers' float32 outputs ("output."), config JSON in the metadata.
struct NetsFixture {
    let file: SafeTensors

    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: "Fixtures/nets/\(name)", withExtension: "safetensors") else {
            throw DiffusionError.missingComponent("fixture \(name)")
        }
        file = try SafeTensors(contentsOf: url)
    }

    var weights: FixtureWeights { FixtureWeights(file: file, prefix: "weights.") }
    var configJSON: Data { Data((file.metadata["config"] ?? "{}").utf8) }

    func input(_ name: String) throws -> Tensor { try file.tensor("input." + name) }
    func output(_ name: String) throws -> Tensor { try file.tensor("output." + name) }
}

/// A `WeightSource` over the fixture's "weights." tensors (fp16 converted on each read, as a mapped
/// checkpoint would be).
struct FixtureWeights: WeightSource {
    let file: SafeTensors
    let prefix: String

    func shape(of name: String) -> [Int]? { file.entries[prefix + name]?.shape }
    func floats(_ name: String) throws -> [Float] {
        guard file.entries[prefix + name] != nil else { throw DiffusionError.missingTensor(name) }
        return try file.floats(prefix + name)
    }
    var names: [String] { file.names.compactMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil } }
}

/// A source that hides or reshapes one tensor of another (for the error tests).
struct AlteredWeights: WeightSource {
    let base: any WeightSource
    let hidden: String?
    let reshaped: (String, [Int])?

    func shape(of name: String) -> [Int]? {
        if name == hidden { return nil }
        if let (n, s) = reshaped, n == name { return s }
        return base.shape(of: name)
    }
    func floats(_ name: String) throws -> [Float] { try base.floats(name) }
    var names: [String] { base.names.filter { $0 != hidden } }
}

/// max |a − b| / max |b|: the error relative to the reference's range.
func relativeMaxError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "\(a.shape) vs \(b.shape)")
    var err: Float = 0, range: Float = 0
    for i in 0..<a.count {
        err = max(err, abs(a.data[i] - b.data[i]))
        range = max(range, abs(b.data[i]))
    }
    return err / max(range, 1e-12)
}
