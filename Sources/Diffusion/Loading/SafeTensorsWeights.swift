import Foundation
import Neural

/// A `WeightSource` over one or more memory-mapped `.safetensors` files (a component's shards).
public struct SafeTensorsWeights: WeightSource {
    private let files: [SafeTensors]
    private let owner: [String: Int]

    /// Wraps already opened files; a name held by several files resolves to the first.
    public init(_ files: [SafeTensors]) {
        self.files = files
        var owner: [String: Int] = [:]
        for (i, f) in files.enumerated() { for n in f.entries.keys where owner[n] == nil { owner[n] = i } }
        self.owner = owner
    }

    /// Maps each file (refusing pickles first).
    /// - Throws: `DiffusionError.pickle`, or `SafeTensorsError` for a malformed or truncated file.
    public init(contentsOf urls: [URL]) throws {
        try self.init(urls.map { try CheckpointFile.openSafeTensors($0) })
    }

    public func shape(of name: String) -> [Int]? { owner[name].map { files[$0].entries[name]!.shape } }
    public func floats(_ name: String) throws -> [Float] {
        guard let i = owner[name] else { throw DiffusionError.missingTensor(name) }
        return try files[i].floats(name)
    }
    public var names: [String] { owner.keys.sorted() }
    /// The stored element type of a tensor (fp16 and bf16 stay stored until converted).
    public func dtype(of name: String) -> SafeTensors.DType? { owner[name].map { files[$0].entries[name]!.dtype } }
}

/// A `WeightSource` presenting another source's tensors under new names, optionally as a row slice
/// (OpenCLIP's packed q/k/v) or reshaped (1×1 convolution kernels read as linear weights).
public struct RenamedWeights: WeightSource {
    /// How one presented tensor is made from a stored one.
    public struct Mapping: Sendable {
        /// The stored name.
        public let source: String
        /// Rows `rows` of the stored tensor's first dimension, or all when nil.
        public let rows: Range<Int>?
        /// The presented shape, or the stored (sliced) one when nil.
        public let shape: [Int]?

        /// A mapping; see the properties.
        public init(_ source: String, rows: Range<Int>? = nil, shape: [Int]? = nil) {
            self.source = source; self.rows = rows; self.shape = shape
        }
    }

    /// The stored tensors.
    public let base: any WeightSource
    /// Presented name → how it is made.
    public let map: [String: Mapping]

    /// Presents `base` through `map`.
    public init(base: any WeightSource, map: [String: Mapping]) {
        self.base = base; self.map = map
    }

    public func shape(of name: String) -> [Int]? {
        guard let m = map[name], var s = base.shape(of: m.source) else { return nil }
        if let r = m.rows, !s.isEmpty { s[0] = r.count }
        return m.shape ?? s
    }

    public func floats(_ name: String) throws -> [Float] {
        guard let m = map[name] else { throw DiffusionError.missingTensor(name) }
        let all = try base.floats(m.source)
        guard let r = m.rows else { return all }
        guard let s = base.shape(of: m.source), s.count >= 1, s[0] > 0, r.upperBound <= s[0] else {
            throw DiffusionError.badShape(m.source, expected: [r.upperBound], got: base.shape(of: m.source) ?? [])
        }
        let rowSize = all.count / s[0]
        return Array(all[(r.lowerBound * rowSize)..<(r.upperBound * rowSize)])
    }

    public var names: [String] { map.keys.sorted() }
}
