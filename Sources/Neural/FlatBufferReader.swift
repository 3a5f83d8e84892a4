/// A bounds-checked reader over a FlatBuffers byte buffer.
///
/// Every read checks its offset and length against the buffer and throws
/// `TFLiteError.malformed` instead of trapping, so untrusted files are safe to parse.
struct FlatBufferReader: Sendable {
    let bytes: [UInt8]

    /// A table position (absolute offset of the table's start, where its vtable soffset lives).
    struct Table: Sendable {
        let position: Int
        let vtable: Int
        let vtableSize: Int
        let what: String
    }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ message: String) -> TFLiteError { .malformed(message) }

    func checkRange(_ offset: Int, _ length: Int, _ what: String) throws {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw fail("\(what): range \(offset)..+\(length) outside the \(bytes.count)-byte buffer")
        }
    }

    func u8(_ offset: Int, _ what: String) throws -> UInt8 {
        try checkRange(offset, 1, what)
        return bytes[offset]
    }

    func u16(_ offset: Int, _ what: String) throws -> UInt16 {
        try checkRange(offset, 2, what)
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int, _ what: String) throws -> UInt32 {
        try checkRange(offset, 4, what)
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
            | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    func i32(_ offset: Int, _ what: String) throws -> Int32 {
        Int32(bitPattern: try u32(offset, what))
    }

    func u64(_ offset: Int, _ what: String) throws -> UInt64 {
        let lo = try u32(offset, what), hi = try u32(offset + 4, what)
        return UInt64(lo) | UInt64(hi) << 32
    }

    /// Follows a uoffset stored at `offset` and returns the absolute target.
    func indirect(_ offset: Int, _ what: String) throws -> Int {
        let rel = Int(try u32(offset, what))
        let target = offset + rel
        try checkRange(target, 0, what)
        return target
    }

    /// The root table of the buffer.
    func root() throws -> Table {
        guard bytes.count >= 8 else { throw fail("file is only \(bytes.count) bytes, too short for a flatbuffer") }
        return try table(at: indirect(0, "root offset"), "Model")
    }

    func table(at position: Int, _ what: String) throws -> Table {
        let soffset = Int(try i32(position, "\(what) vtable offset"))
        let vtable = position - soffset
        let vtableSize = Int(try u16(vtable, "\(what) vtable size"))
        guard vtableSize >= 4, vtableSize % 2 == 0 else { throw fail("\(what): bad vtable size \(vtableSize)") }
        try checkRange(vtable, vtableSize, "\(what) vtable")
        let tableSize = Int(try u16(vtable + 2, "\(what) table size"))
        try checkRange(position, tableSize, "\(what) table")
        return Table(position: position, vtable: vtable, vtableSize: vtableSize, what: what)
    }

    /// Absolute position of field `index`, or nil when absent.
    func field(_ t: Table, _ index: Int) throws -> Int? {
        let slot = 4 + 2 * index
        guard slot + 2 <= t.vtableSize else { return nil }
        let rel = Int(try u16(t.vtable + slot, "\(t.what) field \(index)"))
        return rel == 0 ? nil : t.position + rel
    }

    func scalarU8(_ t: Table, _ index: Int, default d: UInt8) throws -> UInt8 {
        guard let p = try field(t, index) else { return d }
        return try u8(p, "\(t.what) field \(index)")
    }

    func scalarI32(_ t: Table, _ index: Int, default d: Int32) throws -> Int32 {
        guard let p = try field(t, index) else { return d }
        return try i32(p, "\(t.what) field \(index)")
    }

    func scalarU32(_ t: Table, _ index: Int, default d: UInt32) throws -> UInt32 {
        guard let p = try field(t, index) else { return d }
        return try u32(p, "\(t.what) field \(index)")
    }

    func scalarU64(_ t: Table, _ index: Int, default d: UInt64) throws -> UInt64 {
        guard let p = try field(t, index) else { return d }
        return try u64(p, "\(t.what) field \(index)")
    }

    func subtable(_ t: Table, _ index: Int, _ what: String) throws -> Table? {
        guard let p = try field(t, index) else { return nil }
        return try table(at: indirect(p, what), what)
    }

    /// Start and element count of a vector field, checked for `elementSize`-byte elements.
    func vector(_ t: Table, _ index: Int, elementSize: Int, _ what: String) throws -> (start: Int, count: Int)? {
        guard let p = try field(t, index) else { return nil }
        let v = try indirect(p, what)
        let count = Int(try u32(v, "\(what) length"))
        guard count <= (bytes.count - v - 4) / elementSize else {
            throw fail("\(what): \(count) elements overrun the buffer")
        }
        try checkRange(v + 4, count * elementSize, what)
        return (v + 4, count)
    }

    func int32Vector(_ t: Table, _ index: Int, _ what: String) throws -> [Int32] {
        guard let (start, count) = try vector(t, index, elementSize: 4, what) else { return [] }
        var out = [Int32]()
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try i32(start + 4 * i, what)) }
        return out
    }

    func floatVector(_ t: Table, _ index: Int, _ what: String) throws -> [Float] {
        try int32Vector(t, index, what).map { Float(bitPattern: UInt32(bitPattern: $0)) }
    }

    func tableVector(_ t: Table, _ index: Int, _ what: String) throws -> [Table] {
        guard let (start, count) = try vector(t, index, elementSize: 4, what) else { return [] }
        var out = [Table]()
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try table(at: indirect(start + 4 * i, what), "\(what)[\(i)]")) }
        return out
    }

    func string(_ t: Table, _ index: Int, _ what: String) throws -> String? {
        guard let (start, count) = try vector(t, index, elementSize: 1, what) else { return nil }
        return String(decoding: bytes[start..<(start + count)], as: UTF8.self)
    }
}
