import Foundation

/// A short text label inside an encoded PNG or JPEG: a PNG `tEXt` chunk with keyword `Comment`, or a JPEG
/// `COM` segment. Kinema uses it to mark generated and face-swapped stills as synthetic media.
///
/// Both parsers walk the file's own chunk/segment lengths with every bound checked, so damaged or hostile
/// files yield `nil` or an error, never a trap.
enum ImageLabel {
    /// The PNG `tEXt` keyword used for the label.
    static let pngKeyword = "Comment"
    /// Longest label kept (longer ones are cut); both formats allow far more.
    static let maxLength = 4000

    /// The label as bytes both formats accept: printable ASCII (anything else becomes `?`), at most `maxLength`.
    static func sanitised(_ label: String) -> [UInt8] {
        Array(label.unicodeScalars.prefix(maxLength).map { $0.value >= 0x20 && $0.value < 0x7F ? UInt8($0.value) : 0x3F })
    }

    /// `encoded` with `label` inserted: after PNG's IHDR chunk, or after JPEG's SOI (and JFIF APP0 when present).
    static func embed(_ label: String, in encoded: [UInt8], jpeg: Bool) throws(VideoIOError) -> [UInt8] {
        let text = sanitised(label)
        if jpeg {
            guard encoded.count >= 4, encoded[0] == 0xFF, encoded[1] == 0xD8 else {
                throw .ffmpeg(call: "mjpeg encoder", code: 0, message: "output does not start with SOI")
            }
            var at = 2
            if encoded[2] == 0xFF, encoded[3] == 0xE0, encoded.count >= 6 {
                at = 4 + Int(encoded[4]) << 8 + Int(encoded[5])
                guard at <= encoded.count else { throw .ffmpeg(call: "mjpeg encoder", code: 0, message: "bad APP0") }
            }
            let length = text.count + 2
            let segment: [UInt8] = [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + text
            return Array(encoded[..<at]) + segment + Array(encoded[at...])
        }
        // PNG: 8-byte signature, then IHDR (4 length + 4 type + 13 data + 4 CRC) must come first.
        let afterIHDR = 8 + 25
        guard encoded.count > afterIHDR, encoded[12..<16].elementsEqual(Array("IHDR".utf8)) else {
            throw .ffmpeg(call: "png encoder", code: 0, message: "output does not start with IHDR")
        }
        let data = Array(pngKeyword.utf8) + [0] + text
        var chunk = bigEndian32(UInt32(data.count))
        let typed = Array("tEXt".utf8) + data
        chunk += typed + bigEndian32(CRC32.checksum(typed))
        return Array(encoded[..<afterIHDR]) + chunk + Array(encoded[afterIHDR...])
    }

    /// The first label in a PNG (`tEXt` with keyword `Comment`) or JPEG (`COM`) file, nil when there is none.
    static func read(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return readPNG(bytes) }
        if bytes.starts(with: [0xFF, 0xD8]) { return readJPEG(bytes) }
        return nil
    }

    private static func readPNG(_ bytes: [UInt8]) -> String? {
        var at = 8
        while at + 12 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            guard length <= bytes.count - at - 12 else { return nil }
            let data = bytes[(at + 8)..<(at + 8 + length)]
            if type == "tEXt", let zero = data.firstIndex(of: 0),
               String(decoding: data[..<zero], as: UTF8.self) == pngKeyword {
                return String(decoding: data[(zero + 1)...], as: UTF8.self)
            }
            if type == "IEND" { return nil }
            at += 12 + length
        }
        return nil
    }

    private static func readJPEG(_ bytes: [UInt8]) -> String? {
        var at = 2
        while at + 4 <= bytes.count {
            guard bytes[at] == 0xFF else { return nil }
            let marker = bytes[at + 1]
            if marker == 0xFF { at += 1; continue }                            // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { at += 2; continue }  // no length
            if marker == 0xDA || marker == 0xD9 { return nil }                 // scan data / end: no more headers
            let length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard length >= 2, at + 2 + length <= bytes.count else { return nil }
            if marker == 0xFE { return String(decoding: bytes[(at + 4)..<(at + 2 + length)], as: UTF8.self) }
            at += 2 + length
        }
        return nil
    }

    private static func bigEndian32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}

/// CRC-32 (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320 reflected), as PNG chunks require.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
