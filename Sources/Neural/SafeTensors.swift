import Foundation

/// A parsed `.safetensors` file: an 8-byte little-endian header length, a JSON
/// header describing each tensor (dtype, shape, data offsets), then raw data.
///
/// Files are memory-mapped (`init(contentsOf:)`), so a multi-gigabyte checkpoint costs only the pages
/// a network touches, and fp16/bf16 tensors stay in their stored form until converted on request.
/// Every length and offset is checked before use; a malformed or truncated file
/// throws `SafeTensorsError` and never traps. Tensors are converted to `Float`
/// on request (`F32`, `F16` and `BF16`); integer and other tensors are listed but not converted.
public struct SafeTensors: Sendable {
    /// The element types this reader knows the size of.
    public enum DType: String, Sendable {
        /// IEEE 754 binary32.
        case f32 = "F32"
        /// IEEE 754 binary16.
        case f16 = "F16"
        /// bfloat16 (the top 16 bits of a binary32).
        case bf16 = "BF16"
        /// IEEE 754 binary64 (listed, not converted).
        case f64 = "F64"
        /// Signed integers (listed, not converted; checkpoints carry `position_ids` as I64).
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
        /// Unsigned integers and booleans (listed, not converted).
        case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"

        /// Bytes per element.
        public var byteSize: Int {
            switch self {
            case .f64, .i64, .u64: return 8
            case .f32, .i32, .u32: return 4
            case .f16, .bf16, .i16, .u16: return 2
            case .i8, .u8, .bool: return 1
            }
        }

        /// Whether `floats` can convert this type.
        public var isFloat: Bool { self == .f32 || self == .f16 || self == .bf16 }
    }

    /// One tensor's description from the header.
    public struct Entry: Sendable, Equatable {
        /// Element type.
        public let dtype: DType
        /// Dimensions, outermost first (PyTorch order as stored).
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Largest header accepted (the format's reference implementation uses 100 MB).
    public static let maxHeaderLength = 100_000_000

    /// Tensor descriptions by name.
    public let entries: [String: Entry]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]
    private let storage: ByteStorage
    private let dataStart: Int

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Memory-maps and validates a file.
    /// - Throws: `SafeTensorsError` for malformed content, or `SafeTensorsError.io` if the file cannot be opened or mapped.
    public init(contentsOf url: URL) throws {
        try self.init(storage: ByteStorage(mapping: url))
    }

    /// Parses and validates an in-memory file.
    /// - Throws: `SafeTensorsError` describing the first problem found.
    public init(bytes: [UInt8]) throws {
        try self.init(storage: ByteStorage(copying: bytes))
    }

    private init(storage: ByteStorage) throws {
        let bytes = storage.buffer
        guard bytes.count >= 8 else { throw SafeTensorsError.truncated("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(Self.maxHeaderLength) else { throw SafeTensorsError.badHeader("header length \(n) exceeds \(Self.maxHeaderLength)") }
        let headerLength = Int(n)
        guard headerLength >= 2 else { throw SafeTensorsError.badHeader("header length \(headerLength) is too small for a JSON object") }
        guard bytes.count - 8 >= headerLength else {
            throw SafeTensorsError.truncated("header length \(headerLength) runs past the end of the \(bytes.count)-byte file")
        }
        let headerData = Data(bytes[8..<(8 + headerLength)])
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: headerData, options: [])
        } catch {
            throw SafeTensorsError.badHeader("header is not valid JSON")
        }
        guard let dict = object as? [String: Any] else { throw SafeTensorsError.badHeader("header is not a JSON object") }
        let dataCount = bytes.count - 8 - headerLength

        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw SafeTensorsError.badHeader("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw SafeTensorsError.badHeader("__metadata__[\(k)] is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries[name] = try Self.parseEntry(name: name, value: value, dataCount: dataCount)
        }
        try Self.checkLayout(entries, dataCount: dataCount)
        self.entries = entries
        self.metadata = metadata
        self.storage = storage
        self.dataStart = 8 + headerLength
    }

    /// Lends a tensor's stored bytes (little-endian, in `entries[name].dtype`) without copying them.
    /// - Throws: `SafeTensorsError.missingTensor` if there is no such tensor, or what `body` throws.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let e = entries[name] else { throw SafeTensorsError.missingTensor(name) }
        let all = storage.buffer
        return try body(UnsafeRawBufferPointer(rebasing: all[(dataStart + e.range.lowerBound)..<(dataStart + e.range.upperBound)]))
    }

    /// Returns a tensor's values converted to `Float`, in stored (row-major) order.
    /// - Throws: `SafeTensorsError.missingTensor` if there is no such tensor, `.unsupportedDType` for a non-float one.
    public func floats(_ name: String) throws -> [Float] {
        guard let e = entries[name] else { throw SafeTensorsError.missingTensor(name) }
        guard e.dtype.isFloat else { throw SafeTensorsError.unsupportedDType(name, e.dtype.rawValue) }
        let count = e.count
        return try withRawBytes(name) { src in
            [Float](unsafeUninitializedCapacity: count) { dst, initialised in
                guard count > 0, let base = src.baseAddress else { return }
                switch e.dtype {
                case .f32:
                    // Stored little-endian, as every platform Kinema targets is.
                    UnsafeMutableRawPointer(dst.baseAddress!).copyMemory(from: base, byteCount: 4 * count)
                case .f16: HalfPrecision.float16ToFloat(base, dst.baseAddress!, count: count)
                default: HalfPrecision.bfloat16ToFloat(base, dst.baseAddress!, count: count)
                }
                initialised = count
            }
        }
    }

    /// Returns a tensor as a `Tensor` with the stored shape.
    /// - Throws: `SafeTensorsError.missingTensor` if there is no such tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let e = entries[name] else { throw SafeTensorsError.missingTensor(name) }
        return try Tensor(shape: e.shape, data: floats(name))
    }

    private static func parseEntry(name: String, value: Any, dataCount: Int) throws -> Entry {
        guard let obj = value as? [String: Any] else { throw SafeTensorsError.badTensor(name, "description is not an object") }
        guard let dtypeName = obj["dtype"] as? String else { throw SafeTensorsError.badTensor(name, "missing dtype") }
        guard let dtype = DType(rawValue: dtypeName) else { throw SafeTensorsError.unsupportedDType(name, dtypeName) }
        guard let shapeAny = obj["shape"] as? [Any] else { throw SafeTensorsError.badTensor(name, "missing shape") }
        guard shapeAny.count <= 16 else { throw SafeTensorsError.badTensor(name, "shape has \(shapeAny.count) dimensions") }
        var shape: [Int] = []
        var count = 1
        for d in shapeAny {
            guard let dim = exactInt(d), dim >= 0 else { throw SafeTensorsError.badTensor(name, "shape entry \(d) is not a non-negative integer") }
            shape.append(dim)
            let (c, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, c <= dataCount else { throw SafeTensorsError.badTensor(name, "shape \(shapeAny) is larger than the data section") }
            count = c
        }
        guard let offs = obj["data_offsets"] as? [Any], offs.count == 2,
              let begin = exactInt(offs[0]), let end = exactInt(offs[1]) else {
            throw SafeTensorsError.badTensor(name, "data_offsets must be two integers")
        }
        guard begin >= 0, begin <= end, end <= dataCount else {
            throw SafeTensorsError.badTensor(name, "data_offsets [\(begin), \(end)] fall outside the \(dataCount)-byte data section")
        }
        guard end - begin == count * dtype.byteSize else {
            throw SafeTensorsError.badTensor(name, "shape \(shape) of \(dtype.rawValue) needs \(count * dtype.byteSize) bytes but data_offsets span \(end - begin)")
        }
        return Entry(dtype: dtype, shape: shape, range: begin..<end)
    }

    /// Tensors must not overlap, and (as the format requires) they tile the data section without holes.
    private static func checkLayout(_ entries: [String: Entry], dataCount: Int) throws {
        let sorted = entries.sorted { ($0.value.range.lowerBound, $0.value.range.upperBound, $0.key) < ($1.value.range.lowerBound, $1.value.range.upperBound, $1.key) }
        var cursor = 0
        for (name, e) in sorted {
            guard e.range.lowerBound >= cursor else { throw SafeTensorsError.badTensor(name, "data overlaps another tensor") }
            guard e.range.lowerBound == cursor else { throw SafeTensorsError.badTensor(name, "gap before its data at byte \(cursor)") }
            cursor = e.range.upperBound
        }
        guard cursor == dataCount else { throw SafeTensorsError.badLayout("data section has \(dataCount - cursor) trailing bytes not owned by any tensor") }
    }

    private static func exactInt(_ v: Any) -> Int? {
        if let i = v as? Int { return i }
        if let d = v as? Double, d == d.rounded(), abs(d) < 9.0e15 { return Int(d) }
        return nil
    }
}

/// Errors raised while reading a `.safetensors` file.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// The file ends before a declared structure does.
    case truncated(String)
    /// The JSON header is missing, oversized or malformed.
    case badHeader(String)
    /// One tensor's description is inconsistent.
    case badTensor(String, String)
    /// A tensor uses an element type this reader does not handle.
    case unsupportedDType(String, String)
    /// The tensors do not tile the data section.
    case badLayout(String)
    /// A requested tensor is absent.
    case missingTensor(String)
    /// The file could not be opened or mapped.
    case io(String)

    public var description: String {
        switch self {
        case let .truncated(m): return "safetensors: truncated file: \(m)"
        case let .badHeader(m): return "safetensors: bad header: \(m)"
        case let .badTensor(n, m): return "safetensors: tensor '\(n)': \(m)"
        case let .unsupportedDType(n, d): return "safetensors: tensor '\(n)' has unsupported dtype \(d)"
        case let .badLayout(m): return "safetensors: \(m)"
        case let .missingTensor(n): return "safetensors: no tensor named '\(n)'"
        case let .io(m): return "safetensors: \(m)"
        }
    }
}
