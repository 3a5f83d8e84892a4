import Foundation

/// Sequential reader of an ncnn `.bin` weights file, bounds-checked.
///
/// ncnn stores each layer's tensors back to back in layer order. A weight block starts with a 4-byte tag:
/// 0x01306B47 = fp16 values (padded to 4 bytes), 0x0002C056 or 0 = float32 values; other tags (int8 or
/// table-quantised weights) are rejected. Biases and PReLU slopes are raw float32 without a tag.
struct NCNNWeightReader {
    private let data: Data
    private(set) var offset = 0

    init(_ data: Data) { self.data = data }

    /// Bytes not yet read.
    var remaining: Int { data.count - offset }

    private mutating func take(_ n: Int, _ what: String) throws -> Data {
        guard n >= 0, n <= remaining else {
            throw NCNNError.malformed("weights end early: \(what) needs \(n) bytes, \(remaining) left")
        }
        let start = data.startIndex + offset
        offset += n
        return data[start..<(start + n)]
    }

    private static func floats(_ d: Data, _ count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        d.withUnsafeBytes { raw in
            for i in 0..<count { out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian) }
        }
        return out
    }

    /// A tagged weight block of `count` values.
    /// - Throws: `NCNNError.malformed` when the file ends early or holds non-finite values,
    ///   `.unsupported` for quantised tags.
    mutating func taggedBlock(count: Int, _ what: String) throws -> [Float] {
        let tagData = try take(4, what)
        let tag = tagData.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
        var out: [Float]
        switch tag {
        case 0x0130_6B47:
            let bytes = try take((count * 2 + 3) / 4 * 4, what)
            out = dequantizeFloat16(ArraySlice(bytes), count: count)
        case 0x0002_C056, 0:
            out = Self.floats(try take(count * 4, what), count)
        default:
            throw NCNNError.unsupported("\(what): weight tag 0x\(String(tag, radix: 16)) (quantised weights)")
        }
        guard out.allSatisfy(\.isFinite) else { throw NCNNError.malformed("\(what) holds non-finite weights") }
        return out
    }

    /// `count` raw float32 values (biases, PReLU slopes).
    /// - Throws: `NCNNError.malformed` when the file ends early or a value is not finite.
    mutating func rawFloats(count: Int, _ what: String) throws -> [Float] {
        let out = Self.floats(try take(count * 4, what), count)
        guard out.allSatisfy(\.isFinite) else { throw NCNNError.malformed("\(what) holds non-finite values") }
        return out
    }
}
