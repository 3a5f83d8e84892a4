import Foundation
import Imaging

/// The real photo fixture: skimage's astronaut (NASA, public domain) reduced to 128×128 and
/// stored as binary PPM by Fixtures/make-fixtures.sh, so no image decoder is needed here.
enum PhotoFixture {
    struct BadFixture: Error, CustomStringConvertible {
        let description: String
    }

    /// Loads the fixture as an sRGB `Image`.
    static func astronaut() throws -> Image {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/astronaut-128.ppm")
        return Image(try readPPM(Data(contentsOf: url)))
    }

    /// Parses a binary (P6) 8-bit PPM, bounds-checking the header and payload.
    static func readPPM(_ data: Data) throws -> ByteImage {
        let bytes = [UInt8](data)
        var pos = 0
        func token() throws -> String {
            while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 { pos += 1 }
            let start = pos
            while pos < bytes.count, !(bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09) { pos += 1 }
            guard pos > start, pos - start < 16 else { throw BadFixture(description: "truncated PPM header") }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
        guard try token() == "P6", let w = Int(try token()), let h = Int(try token()), try token() == "255",
              w > 0, h > 0, w <= 4096, h <= 4096 else { throw BadFixture(description: "not an 8-bit P6 PPM") }
        pos += 1  // the single whitespace byte after maxval
        guard bytes.count - pos == w * h * 3 else { throw BadFixture(description: "PPM payload size mismatch") }
        return ByteImage(width: w, height: h, channels: 3, data: Array(bytes[pos...]))
    }
}
