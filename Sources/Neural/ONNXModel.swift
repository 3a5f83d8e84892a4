import Foundation

/// The subset of an ONNX model file (protobuf `ModelProto`) Kinema's networks are built from: the
/// graph's nodes with their attributes, its initializers (weights) and the names of its inputs and
/// outputs. Networks are written as code that mirrors the file (layer names follow the
/// initializers'), so this is a reader, not a general executor.
///
/// Limits, all checked: file ≤ 256 MiB, ≤ 100 000 nodes and initializers, tensors of rank ≤ 8 with
/// ≤ 2^26 elements, raw data whose length matches the element type and count. External data is
/// rejected. Anything malformed throws `ONNXError.malformed`; nothing traps.
public struct ONNXModel: Sendable {
    /// Graph nodes in file order (ONNX requires topological order).
    public let nodes: [ONNXNode]
    /// Initializers by name.
    public let initializers: [String: ONNXTensor]
    /// Names of the graph inputs that are not initializers.
    public let inputs: [String]
    /// Names of the graph outputs.
    public let outputs: [String]
    /// Default-domain opset version (0 when absent).
    public let opsetVersion: Int

    /// Largest accepted file.
    public static let maxFileBytes = 256 << 20
    /// Largest accepted element count of one tensor.
    public static let maxElements = 1 << 26
    static let maxEntries = 100_000

    /// Reads a model file.
    /// - Throws: `ONNXError.malformed`, or the file system's error.
    public init(contentsOf url: URL) throws {
        // Through a link, the target's size (a link's own attributes give the length of its target's name).
        let size = (try FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)[.size] as? Int) ?? 0
        guard size <= Self.maxFileBytes else { throw ONNXError.malformed("file of \(size) bytes exceeds the limit") }
        try self.init(bytes: [UInt8](try Data(contentsOf: url)))
    }

    /// Parses a model from memory.
    /// - Throws: `ONNXError.malformed`.
    public init(bytes: [UInt8]) throws {
        guard bytes.count <= Self.maxFileBytes else { throw ONNXError.malformed("\(bytes.count) bytes exceed the limit") }
        var top = ProtobufReader(bytes: bytes)
        var graph: ProtobufReader.Field?
        var opset = 0
        while let f = try top.next() {
            switch (f.number, f.wireType) {
            case (7, .lengthDelimited): graph = f
            case (8, .lengthDelimited):
                var r = top.nested(f)
                var domain = "", version = 0
                while let g = try r.next() {
                    if g.number == 1, g.wireType == .lengthDelimited { domain = try r.string(g) }
                    if g.number == 2, g.wireType == .varint { version = Int(truncatingIfNeeded: Int64(bitPattern: g.scalar)) }
                }
                if domain.isEmpty || domain == "ai.onnx" { opset = version }
            default: continue
            }
        }
        guard let graph else { throw ONNXError.malformed("no graph") }
        var nodes: [ONNXNode] = [], inits: [String: ONNXTensor] = [:], ins: [String] = [], outs: [String] = []
        var r = top.nested(graph)
        while let f = try r.next() {
            guard f.wireType == .lengthDelimited else { continue }
            switch f.number {
            case 1: nodes.append(try ONNXNode(reader: r.nested(f)))
            case 5:
                let t = try ONNXTensor(reader: r.nested(f))
                inits[t.name] = t
            case 11, 12:
                var v = r.nested(f)
                var name = ""
                while let g = try v.next() {
                    if g.number == 1 && g.wireType == .lengthDelimited { name = try v.string(g) }
                }
                if f.number == 11 { ins.append(name) } else { outs.append(name) }
            default: continue
            }
            guard nodes.count + inits.count + ins.count + outs.count <= Self.maxEntries else {
                throw ONNXError.malformed("more than \(Self.maxEntries) graph entries")
            }
        }
        self.nodes = nodes
        self.initializers = inits
        self.inputs = ins.filter { inits[$0] == nil }
        self.outputs = outs
        self.opsetVersion = opset
    }

    /// The initializer `name`.
    /// - Throws: `ONNXError.missing`.
    public func initializer(_ name: String) throws -> ONNXTensor {
        guard let t = initializers[name] else { throw ONNXError.missing("initializer '\(name)'") }
        return t
    }

    /// The first node of type `opType` that reads the tensor `input`.
    public func node(_ opType: String, reading input: String) -> ONNXNode? {
        nodes.first { $0.opType == opType && $0.inputs.contains(input) }
    }
}

/// One graph node.
public struct ONNXNode: Sendable {
    /// Operator type, e.g. "Conv".
    public let opType: String
    /// Node name (may be empty).
    public let name: String
    /// Input tensor names ("" for an omitted optional input).
    public let inputs: [String]
    /// Output tensor names.
    public let outputs: [String]
    /// Attributes by name.
    public let attributes: [String: ONNXAttribute]

    init(reader: ProtobufReader) throws {
        var r = reader
        var op = "", name = "", ins: [String] = [], outs: [String] = [], attrs: [String: ONNXAttribute] = [:]
        while let f = try r.next() {
            guard f.wireType == .lengthDelimited else { continue }
            switch f.number {
            case 1: ins.append(try r.string(f))
            case 2: outs.append(try r.string(f))
            case 3: name = try r.string(f)
            case 4: op = try r.string(f)
            case 5:
                let (key, value) = try ONNXAttribute.parse(r.nested(f))
                attrs[key] = value
            default: continue
            }
            guard ins.count + outs.count + attrs.count <= 10_000 else { throw ONNXError.malformed("node with too many fields") }
        }
        guard !op.isEmpty else { throw ONNXError.malformed("node '\(name)' without op_type") }
        opType = op; self.name = name; inputs = ins; outputs = outs; attributes = attrs
    }

    /// The integer list attribute `key` (or `fallback` when absent).
    public func ints(_ key: String, default fallback: [Int] = []) -> [Int] {
        switch attributes[key] {
        case .ints(let v)?: return v
        case .int(let v)?: return [v]
        default: return fallback
        }
    }

    /// The integer attribute `key` (or `fallback` when absent).
    public func int(_ key: String, default fallback: Int) -> Int {
        if case .int(let v)? = attributes[key] { return v }
        return fallback
    }

    /// The string attribute `key` (or `fallback` when absent).
    public func string(_ key: String, default fallback: String) -> String {
        if case .string(let v)? = attributes[key] { return v }
        return fallback
    }
}

/// A node attribute value (the kinds Kinema reads).
public enum ONNXAttribute: Sendable {
    /// FLOAT.
    case float(Float)
    /// INT.
    case int(Int)
    /// STRING (as UTF-8 text).
    case string(String)
    /// TENSOR.
    case tensor(ONNXTensor)
    /// FLOATS.
    case floats([Float])
    /// INTS.
    case ints([Int])
    /// Any other kind (graphs, sparse tensors, type protos): kept only as present.
    case other

    static func parse(_ reader: ProtobufReader) throws -> (String, ONNXAttribute) {
        var r = reader
        var name = "", type = 0
        var f: Float?, i: Int?, s: String?, t: ONNXTensor?, fs: [Float] = [], iv: [Int64] = []
        while let field = try r.next() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): name = try r.string(field)
            case (2, .fixed32): f = Float(bitPattern: UInt32(truncatingIfNeeded: field.scalar))
            case (3, .varint): i = Int(truncatingIfNeeded: Int64(bitPattern: field.scalar))
            case (4, .lengthDelimited): s = try r.string(field)
            case (5, .lengthDelimited): t = try ONNXTensor(reader: r.nested(field))
            case (7, _): try r.floats(field, into: &fs, limit: 1 << 16)
            case (8, _): try r.int64s(field, into: &iv, limit: 1 << 16)
            case (20, .varint): type = Int(truncatingIfNeeded: field.scalar)
            default: continue
            }
        }
        switch type {
        case 1: return (name, f.map { .float($0) } ?? .other)
        case 2: return (name, i.map { .int($0) } ?? .other)
        case 3: return (name, s.map { .string($0) } ?? .other)
        case 4: return (name, t.map { .tensor($0) } ?? .other)
        case 6: return (name, .floats(fs))
        case 7: return (name, .ints(iv.map { Int(truncatingIfNeeded: $0) }))
        default: return (name, .other)
        }
    }
}
