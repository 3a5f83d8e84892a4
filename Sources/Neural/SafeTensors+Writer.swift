import Foundation

extension SafeTensors {
    /// Serialises float32 tensors into `.safetensors` bytes (tensors laid out in name order).
    ///
    /// Used by tests and tools that produce small files; the header is padded with
    /// spaces to a multiple of 8 bytes, as the reference implementation does.
    /// - Throws: `SafeTensorsError.badTensor` if a name is `__metadata__`.
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> [UInt8] {
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let m = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(m.joined(separator: ","))}")
        }
        var offset = 0
        var data: [UInt8] = []
        for name in tensors.keys.sorted() {
            guard name != "__metadata__" else { throw SafeTensorsError.badTensor(name, "reserved name") }
            let t = tensors[name]!
            let size = t.count * 4
            parts.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
            data.reserveCapacity(offset)
            for v in t.data {
                let b = v.bitPattern
                data.append(UInt8(b & 0xFF)); data.append(UInt8((b >> 8) & 0xFF))
                data.append(UInt8((b >> 16) & 0xFF)); data.append(UInt8(b >> 24))
            }
        }
        header += parts.joined(separator: ",") + "}"
        var hb = Array(header.utf8)
        while hb.count % 8 != 0 { hb.append(0x20) }
        var out: [UInt8] = []
        let n = UInt64(hb.count)
        for i in 0..<8 { out.append(UInt8((n >> (8 * UInt64(i))) & 0xFF)) }
        return out + hb + data
    }

    private static func jsonString(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            default:
                if u.value < 0x20 { r += String(format: "\\u%04x", u.value) } else { r.unicodeScalars.append(u) }
            }
        }
        return r + "\""
    }
}
