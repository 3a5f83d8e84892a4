import Foundation

/// Width and height from a PNG or JPEG header, read before decoding so that a huge picture is
/// refused without allocating its pixels. Bounded: every read is checked against the bytes.
public enum ImageHeader {
    /// The size declared by the file, or nil when it is neither a PNG nor a JPEG with a frame header.
    public static func size(of url: URL) -> (width: Int, height: Int)? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        // JPEG frame headers follow the APPn segments (EXIF thumbnails included): 1 MiB is plenty.
        guard let data = try? handle.read(upToCount: 1 << 20) else { return nil }
        return size(of: [UInt8](data))
    }

    /// The size declared by the bytes of a PNG or JPEG file; nil when there is none.
    public static func size(of b: [UInt8]) -> (width: Int, height: Int)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        if b.count >= 24, b.starts(with: [0x89, 0x50, 0x4E, 0x47]), b[12...15].elementsEqual("IHDR".utf8) {
            return (be32(16), be32(20))
        }
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = be16(i + 2)
            guard length >= 2 else { return nil }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard i + 9 <= b.count else { return nil }
                return (be16(i + 7), be16(i + 5))
            }
            i += 2 + length
        }
        return nil
    }
}
