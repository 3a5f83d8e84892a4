/// An ONNX `TensorProto` (an initializer or a constant attribute), with its values decoded.
///
/// Values of every supported element type are kept as `Double`s, which holds int8…int32,
/// float16/32 and the int64 shape constants ONNX graphs use exactly enough for our purposes.
public struct ONNXTensor: Sendable {
    /// ONNX element types Kinema reads.
    public enum DataType: Int, Sendable {
        /// float32.
        case float = 1
        /// uint8.
        case uint8 = 2
        /// int8.
        case int8 = 3
        /// int32.
        case int32 = 6
        /// int64.
        case int64 = 7
        /// float16.
        case float16 = 10
        /// float64.
        case double = 11

        var byteSize: Int {
            switch self {
            case .uint8, .int8: return 1
            case .float16: return 2
            case .float, .int32: return 4
            case .int64, .double: return 8
            }
        }
    }

    /// Tensor name.
    public let name: String
    /// Dimensions, outermost first.
    public let dims: [Int]
    /// Element type.
    public let dataType: DataType
    /// Values in row-major order.
    public let values: [Double]

    /// Number of elements.
    public var count: Int { values.count }

    /// The values as float32.
    public var floats: [Float] { values.map { Float($0) } }

    init(reader: ProtobufReader) throws {
        var r = reader
        var name = "", dims64: [Int64] = [], typeCode = 0
        var raw: Range<Int>?, floats: [Float] = [], ints: [Int64] = [], external = false
        while let f = try r.next() {
            switch f.number {
            case 1: try r.int64s(f, into: &dims64, limit: 8)
            case 2 where f.wireType == .varint: typeCode = Int(truncatingIfNeeded: f.scalar)
            case 4: try r.floats(f, into: &floats, limit: ONNXModel.maxElements)
            case 5, 7: try r.int64s(f, into: &ints, limit: ONNXModel.maxElements)
            case 8 where f.wireType == .lengthDelimited: name = try r.string(f)
            case 9 where f.wireType == .lengthDelimited: raw = f.range
            case 13, 14: external = external || f.number == 13 || (f.wireType == .varint && f.scalar == 1)
            default: continue
            }
        }
        guard !external else { throw ONNXError.malformed("tensor '\(name)' uses external data") }
        guard let type = DataType(rawValue: typeCode) else {
            throw ONNXError.unsupported("tensor '\(name)' has element type \(typeCode)")
        }
        var count = 1
        for d in dims64 {
            guard d >= 0, d <= Int64(ONNXModel.maxElements) else { throw ONNXError.malformed("tensor '\(name)' dimension \(d)") }
            count *= Int(d)
            guard count <= ONNXModel.maxElements else { throw ONNXError.malformed("tensor '\(name)' has too many elements") }
        }
        var values: [Double] = []
        values.reserveCapacity(count)
        if let raw {
            guard raw.count == count * type.byteSize else {
                throw ONNXError.malformed("tensor '\(name)': \(raw.count) raw bytes for \(count) × \(type)")
            }
            let b = r.bytes
            func word(_ i: Int, _ n: Int) -> UInt64 {
                var v: UInt64 = 0
                for k in 0..<n { v |= UInt64(b[i + k]) << (8 * UInt64(k)) }
                return v
            }
            var i = raw.lowerBound
            for _ in 0..<count {
                switch type {
                case .uint8: values.append(Double(b[i]))
                case .int8: values.append(Double(Int8(bitPattern: b[i])))
                case .float16: values.append(Double(float16BitsToFloat(UInt16(word(i, 2)))))
                case .float: values.append(Double(Float(bitPattern: UInt32(word(i, 4)))))
                case .int32: values.append(Double(Int32(bitPattern: UInt32(word(i, 4)))))
                case .int64: values.append(Double(Int64(bitPattern: word(i, 8))))
                case .double: values.append(Double(bitPattern: word(i, 8)))
                }
                i += type.byteSize
            }
        } else if type == .float {
            guard floats.count == count else { throw ONNXError.malformed("tensor '\(name)': \(floats.count) floats for \(count)") }
            values = floats.map { Double($0) }
        } else if type == .float16 {
            guard ints.count == count else { throw ONNXError.malformed("tensor '\(name)': \(ints.count) values for \(count)") }
            values = ints.map { Double(float16BitsToFloat(UInt16(truncatingIfNeeded: $0))) }
        } else {
            guard ints.count == count else { throw ONNXError.malformed("tensor '\(name)': \(ints.count) values for \(count)") }
            values = ints.map { Double($0) }
        }
        self.name = name
        self.dims = dims64.map { Int($0) }
        self.dataType = type
        self.values = values
    }
}

/// Errors raised while reading an ONNX file or building a network from it.
public enum ONNXError: Error, Equatable, CustomStringConvertible {
    /// Not a well-formed ONNX protobuf (truncated, bad length, inconsistent tensor, ...).
    case malformed(String)
    /// Well-formed but using something Kinema does not read.
    case unsupported(String)
    /// A tensor or node the network needs is absent or has the wrong shape.
    case missing(String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .malformed(let m): return "malformed ONNX file: \(m)"
        case .unsupported(let m): return "unsupported ONNX feature: \(m)"
        case .missing(let m): return "ONNX model lacks \(m)"
        }
    }
}
