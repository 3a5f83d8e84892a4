import Foundation
import Imaging
import VideoIO

/// Test media from the repository's clips/ folder, decoded with VideoIO.
/// Shared by the test targets that read real clips; the product never links it.
public enum Media {
    /// The repository root, found from this source file's path.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A file in clips/.
    public static func url(_ name: String) -> URL { root.appendingPathComponent("clips").appendingPathComponent(name) }

    /// The first `count` frames of a clip (8-bit RGB).
    public static func byteFrames(_ name: String, count: Int) throws -> [ByteImage] {
        let reader = try VideoReader(url: url(name))
        var out: [ByteImage] = []
        while out.count < count, let f = try reader.nextFrame() { out.append(f.image) }
        return out
    }

    /// The first `count` frames of a clip as float images.
    public static func frames(_ name: String, count: Int) throws -> [Image] { try byteFrames(name, count: count).map { Image($0) } }

    /// A photo from clips/.
    public static func image(_ name: String) throws -> Image { Image(try ImageFile.read(url(name))) }
}
