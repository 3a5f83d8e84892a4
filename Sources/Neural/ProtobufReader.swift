/// A bounds-checked reader of the protobuf wire format, enough for ONNX files.
///
/// Every length, varint and nested message is checked against the bytes it lives in and throws
/// `ONNXError.malformed` instead of reading past them. Groups (wire types 3 and 4) are rejected:
/// ONNX never uses them.
struct ProtobufReader {
    /// Wire types of the protobuf encoding.
    enum WireType: Int { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    /// One field: its number, wire type and, for length-delimited fields, the byte range of its payload.
    struct Field {
        let number: Int
        let wireType: WireType
        /// Varint, fixed64 or fixed32 value (raw bits).
        let scalar: UInt64
        /// Payload range of a length-delimited field (empty otherwise).
        let range: Range<Int>
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// Reads `range` of `bytes` (the whole buffer by default).
    init(bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        position = r.lowerBound
        end = r.upperBound
    }

    /// A reader of one length-delimited field's payload.
    func nested(_ field: Field) -> ProtobufReader { ProtobufReader(bytes: bytes, range: field.range) }

    /// Whether every field has been read.
    var atEnd: Bool { position >= end }

    /// Reads one varint (at most ten bytes).
    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ONNXError.malformed("truncated varint at byte \(position)") }
            let b = bytes[position]
            position += 1
            guard shift < 64 else { throw ONNXError.malformed("varint longer than 10 bytes at byte \(position)") }
            value |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
    }

    private mutating func fixed(_ count: Int) throws -> UInt64 {
        guard end - position >= count else { throw ONNXError.malformed("truncated fixed\(count * 8) at byte \(position)") }
        var v: UInt64 = 0
        for i in 0..<count { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += count
        return v
    }

    /// Reads the next field, or nil at the end of the message.
    mutating func next() throws -> Field? {
        if atEnd { return nil }
        let key = try varint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0, number < (1 << 29) else { throw ONNXError.malformed("bad field number \(key >> 3)") }
        guard let type = WireType(rawValue: Int(key & 7)) else {
            throw ONNXError.malformed("unsupported wire type \(key & 7) for field \(number)")
        }
        switch type {
        case .varint: return Field(number: number, wireType: type, scalar: try varint(), range: 0..<0)
        case .fixed64: return Field(number: number, wireType: type, scalar: try fixed(8), range: 0..<0)
        case .fixed32: return Field(number: number, wireType: type, scalar: try fixed(4), range: 0..<0)
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw ONNXError.malformed("field \(number) length \(length) runs past its message")
            }
            let start = position
            position += Int(length)
            return Field(number: number, wireType: type, scalar: 0, range: start..<position)
        }
    }

    /// UTF-8 text of a length-delimited field.
    func string(_ f: Field) throws -> String {
        guard f.wireType == .lengthDelimited else { throw ONNXError.malformed("field \(f.number) is not a string") }
        return String(decoding: bytes[f.range], as: UTF8.self)
    }

    /// Signed 64-bit integers of a repeated int field, packed or not; at most `limit` values.
    func int64s(_ f: Field, into out: inout [Int64], limit: Int) throws {
        switch f.wireType {
        case .varint: out.append(Int64(bitPattern: f.scalar))
        case .lengthDelimited:
            var r = nested(f)
            while !r.atEnd { out.append(Int64(bitPattern: try r.varint())) }
        default: throw ONNXError.malformed("field \(f.number): integers with wire type \(f.wireType)")
        }
        guard out.count <= limit else { throw ONNXError.malformed("field \(f.number) has more than \(limit) integers") }
    }

    /// 32-bit floats of a repeated float field, packed or not; at most `limit` values.
    func floats(_ f: Field, into out: inout [Float], limit: Int) throws {
        switch f.wireType {
        case .fixed32: out.append(Float(bitPattern: UInt32(truncatingIfNeeded: f.scalar)))
        case .lengthDelimited:
            guard f.range.count % 4 == 0 else { throw ONNXError.malformed("field \(f.number): packed floats of \(f.range.count) bytes") }
            guard out.count + f.range.count / 4 <= limit else {
                throw ONNXError.malformed("field \(f.number) has more than \(limit) floats")
            }
            var i = f.range.lowerBound
            while i < f.range.upperBound {
                let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
                out.append(Float(bitPattern: bits))
                i += 4
            }
        default: throw ONNXError.malformed("field \(f.number): floats with wire type \(f.wireType)")
        }
        guard out.count <= limit else { throw ONNXError.malformed("field \(f.number) has more than \(limit) floats") }
    }
}
