import Foundation

/// Element types of TFLite tensors (schema enum `TensorType`).
public enum TFLiteTensorType: UInt8, Sendable {
    case float32 = 0, float16 = 1, int32 = 2, uint8 = 3, int64 = 4, string = 5, bool = 6, int16 = 7
    case complex64 = 8, int8 = 9, float64 = 10

    /// Bytes per element (0 for variable-size strings).
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .int16: return 2
        case .uint8, .int8, .bool: return 1
        case .int64, .float64, .complex64: return 8
        case .string: return 0
        }
    }
}

/// Quantisation parameters of a tensor (present in the file; this runtime only runs float graphs).
public struct TFLiteQuantization: Sendable, Equatable {
    /// Per-channel or per-tensor scales.
    public var scale: [Float]
    /// Zero points matching `scale`.
    public var zeroPoint: [Int64]
    /// Axis of per-channel quantisation.
    public var quantizedDimension: Int
}

/// One tensor of a subgraph, as declared in the file.
public struct TFLiteTensor: Sendable {
    /// Tensor name from the file (layer names follow it).
    public var name: String
    /// Declared shape, outermost first.
    public var shape: [Int]
    /// Element type.
    public var type: TFLiteTensorType
    /// Index into `TFLiteModel.buffers`; buffer 0 is the empty sentinel.
    public var buffer: Int
    /// Quantisation, when the file declares scales.
    public var quantization: TFLiteQuantization?
}

/// One operator of a subgraph.
public struct TFLiteOperator: Sendable {
    /// The builtin operator code (resolved from `builtin_code` / `deprecated_builtin_code`).
    public var code: Int32
    /// Opcode version from the file.
    public var version: Int32
    /// Input tensor indices; -1 marks an omitted optional input.
    public var inputs: [Int]
    /// Output tensor indices.
    public var outputs: [Int]
    /// Parsed builtin options.
    public var options: TFLiteOptions
}

/// A parsed `.tflite` model: the first subgraph with its tensors, operators and constant buffers.
public struct TFLiteModel: Sendable {
    /// Schema version field.
    public let version: UInt32
    /// Tensors of the main subgraph.
    public let tensors: [TFLiteTensor]
    /// Operators in execution order.
    public let operators: [TFLiteOperator]
    /// Graph input tensor indices.
    public let inputs: [Int]
    /// Graph output tensor indices.
    public let outputs: [Int]
    /// Byte ranges of each buffer inside `bytes` (empty for buffers without data).
    public let buffers: [Range<Int>]
    /// The raw file.
    public let bytes: [UInt8]

    /// Reads a model from a file.
    /// - Throws: file-system errors, or `TFLiteError` when the contents are malformed.
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        try self.init(data: [UInt8](data))
    }

    /// Parses a model from bytes, checking every offset and length.
    /// - Throws: `TFLiteError.malformed` for a truncated or corrupt file,
    ///   `TFLiteError.invalidGraph` for out-of-range indices.
    public init(data: [UInt8]) throws {
        let r = FlatBufferReader(data)
        if data.count >= 8 {
            let ident = String(decoding: data[4..<8], as: UTF8.self)
            guard ident == "TFL3" else { throw TFLiteError.malformed("file identifier is '\(ident)', expected 'TFL3'") }
        }
        let model = try r.root()
        version = try r.scalarU32(model, 0, default: 0)

        // OperatorCode: deprecated_builtin_code:byte(0), custom_code(1), version(2), builtin_code:int(3)
        var codes: [(code: Int32, version: Int32)] = []
        for oc in try r.tableVector(model, 1, "operator_codes") {
            let deprecated = Int32(Int8(bitPattern: try r.scalarU8(oc, 0, default: 0)))
            let builtin = try r.scalarI32(oc, 3, default: 0)
            codes.append((max(deprecated, builtin), try r.scalarI32(oc, 2, default: 1)))
        }

        // Buffer: data:[ubyte](0), offset:ulong(1), size:ulong(2)
        var buffers: [Range<Int>] = []
        for b in try r.tableVector(model, 4, "buffers") {
            if let (start, count) = try r.vector(b, 0, elementSize: 1, "buffer data") {
                buffers.append(start..<(start + count))
            } else {
                let offset = try r.scalarU64(b, 1, default: 0), size = try r.scalarU64(b, 2, default: 0)
                if offset > 1 {
                    guard offset <= UInt64(data.count), size <= UInt64(data.count) - offset else {
                        throw TFLiteError.malformed("external buffer \(offset)+\(size) outside the \(data.count)-byte file")
                    }
                    buffers.append(Int(offset)..<Int(offset + size))
                } else {
                    buffers.append(0..<0)
                }
            }
        }

        let subgraphs = try r.tableVector(model, 2, "subgraphs")
        guard let g = subgraphs.first else { throw TFLiteError.malformed("model has no subgraph") }

        // SubGraph: tensors(0), inputs(1), outputs(2), operators(3), name(4)
        var tensors: [TFLiteTensor] = []
        for (i, t) in try r.tableVector(g, 0, "tensors").enumerated() {
            tensors.append(try Self.parseTensor(r, t, index: i, bufferCount: buffers.count))
        }
        func checkIndices(_ v: [Int32], _ what: String, allowOmitted: Bool) throws -> [Int] {
            try v.map { i in
                if allowOmitted && i == -1 { return -1 }
                guard i >= 0, Int(i) < tensors.count else {
                    throw TFLiteError.invalidGraph("\(what) refers to tensor \(i) of \(tensors.count)")
                }
                return Int(i)
            }
        }
        inputs = try checkIndices(r.int32Vector(g, 1, "subgraph inputs"), "subgraph input", allowOmitted: false)
        outputs = try checkIndices(r.int32Vector(g, 2, "subgraph outputs"), "subgraph output", allowOmitted: false)

        // Operator: opcode_index(0), inputs(1), outputs(2), builtin_options_type(3), builtin_options(4)
        var ops: [TFLiteOperator] = []
        for (i, o) in try r.tableVector(g, 3, "operators").enumerated() {
            let idx = Int(try r.scalarU32(o, 0, default: 0))
            guard idx < codes.count else {
                throw TFLiteError.invalidGraph("operator \(i) uses opcode \(idx) of \(codes.count)")
            }
            let ins = try checkIndices(r.int32Vector(o, 1, "operator inputs"), "operator \(i) input", allowOmitted: true)
            let outs = try checkIndices(r.int32Vector(o, 2, "operator outputs"), "operator \(i) output", allowOmitted: false)
            let optionsType = try r.scalarU8(o, 3, default: 0)
            let optionsTable = try r.subtable(o, 4, "operator \(i) builtin_options")
            let options = try TFLiteOptions.parse(r, type: optionsType, table: optionsTable)
            ops.append(TFLiteOperator(code: codes[idx].code, version: codes[idx].version,
                                      inputs: ins, outputs: outs, options: options))
        }
        self.tensors = tensors
        self.operators = ops
        self.buffers = buffers
        self.bytes = data
    }

    // Tensor: shape(0), type(1), buffer(2), name(3), quantization(4)
    private static func parseTensor(_ r: FlatBufferReader, _ t: FlatBufferReader.Table, index: Int,
                                    bufferCount: Int) throws -> TFLiteTensor {
        let shape = try r.int32Vector(t, 0, "tensor \(index) shape").map(Int.init)
        let rawType = try r.scalarU8(t, 1, default: 0)
        guard let type = TFLiteTensorType(rawValue: rawType) else {
            throw TFLiteError.unsupported("tensor \(index) has unknown type \(rawType)")
        }
        let buffer = Int(try r.scalarU32(t, 2, default: 0))
        guard buffer < max(bufferCount, 1) else {
            throw TFLiteError.invalidGraph("tensor \(index) uses buffer \(buffer) of \(bufferCount)")
        }
        let name = try r.string(t, 3, "tensor \(index) name") ?? ""
        var quantization: TFLiteQuantization?
        // QuantizationParameters: min(0), max(1), scale(2), zero_point:[long](3), ..., quantized_dimension(6)
        if let q = try r.subtable(t, 4, "tensor \(index) quantization") {
            let scale = try r.floatVector(q, 2, "quantization scale")
            var zp: [Int64] = []
            if let (start, count) = try r.vector(q, 3, elementSize: 8, "quantization zero_point") {
                for i in 0..<count { zp.append(Int64(bitPattern: try r.u64(start + 8 * i, "zero_point"))) }
            }
            if !scale.isEmpty {
                quantization = TFLiteQuantization(scale: scale, zeroPoint: zp,
                                                  quantizedDimension: Int(try r.scalarI32(q, 6, default: 0)))
            }
        }
        return TFLiteTensor(name: name, shape: shape, type: type, buffer: buffer, quantization: quantization)
    }
}
