import Neural

/// One named tensor of a network, checked against its expected shape when the network is built and
/// read (converted to float32) only while a layer runs, so fp16 weights never stay expanded.
struct Parameter: Sendable {
    let source: any WeightSource
    let name: String
    let shape: [Int]

    /// Checks that `name` exists with `shape` (or, with `alternatives`, one of those shapes).
    /// - Throws: `DiffusionError.missingTensor` / `.badShape`.
    init(_ source: any WeightSource, _ name: String, _ shape: [Int], alternatives: [[Int]] = []) throws {
        guard let found = source.shape(of: name) else { throw DiffusionError.missingTensor(name) }
        guard found == shape || alternatives.contains(found) else {
            throw DiffusionError.badShape(name, expected: shape, got: found)
        }
        self.source = source
        self.name = name
        self.shape = found
    }

    /// The values, float32, row-major.
    /// - Throws: what the source throws.
    func load() throws -> [Float] {
        let v = try source.floats(name)
        guard v.count == shape.reduce(1, *) else {
            throw DiffusionError.badShape(name, expected: shape, got: [v.count])
        }
        return v
    }
}

/// The names under a layer: `prefix` + local name.
struct Scope: Sendable {
    let source: any WeightSource
    let prefix: String

    /// A nested scope (`"down_blocks.0."` → `"down_blocks.0.resnets.1."`).
    func callAsFunction(_ child: String) -> Scope { Scope(source: source, prefix: prefix + child + ".") }

    /// The parameter `prefix + name` with `shape`.
    func param(_ name: String, _ shape: [Int], alternatives: [[Int]] = []) throws -> Parameter {
        try Parameter(source, prefix + name, shape, alternatives: alternatives)
    }
}
