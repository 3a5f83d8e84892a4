import Foundation
import Imaging
@testable import VideoIO

/// Paths to the repository's sample clips and a scratch folder per test.
enum Fixture {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A file in clips/.
    static func clip(_ name: String) -> URL { repo.appendingPathComponent("clips").appendingPathComponent(name) }

    /// A fresh empty folder, removed by the caller with `cleanUp`.
    static func scratch(_ label: String = #function) -> URL {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("kinema-videoio-\(safe)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// Names of the files in a folder (hidden ones included).
    static func contents(_ url: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.sorted() ?? []
    }

    /// Decodes every frame of a file.
    static func decodeAll(_ url: URL) throws -> [VideoFrame] {
        let reader = try VideoReader(url: url)
        var frames: [VideoFrame] = []
        while let f = try reader.nextFrame() { frames.append(f) }
        return frames
    }
}

/// Peak signal-to-noise ratio between two 8-bit images over their common top-left region.
func psnr(_ a: ByteImage, _ b: ByteImage, width: Int? = nil, height: Int? = nil) -> Double {
    let w = width ?? min(a.width, b.width), h = height ?? min(a.height, b.height)
    precondition(a.channels == b.channels)
    var se = 0.0
    a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
            for y in 0..<h {
                var row = 0
                let ra = y * a.width * a.channels, rb = y * b.width * b.channels
                for i in 0..<(w * a.channels) {
                    let d = Int(pa[ra + i]) - Int(pb[rb + i])
                    row += d * d
                }
                se += Double(row)
            }
        }
    }
    let mse = se / Double(w * h * a.channels)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
}

/// The top-left `w`×`h` part of an image.
func crop(_ img: ByteImage, _ w: Int, _ h: Int) -> ByteImage {
    var out = [UInt8](repeating: 0, count: w * h * img.channels)
    for y in 0..<h {
        for i in 0..<(w * img.channels) { out[y * w * img.channels + i] = img.data[y * img.width * img.channels + i] }
    }
    return ByteImage(width: w, height: h, channels: img.channels, data: out)
}
