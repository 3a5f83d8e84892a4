import Foundation
import Imaging
import Testing
@testable import VideoIO

/// Labelled, atomic image writes: the label is in the file where other readers find it, and failures leave nothing.
@Suite struct ImageLabelTests {
    static let label = "synthetic media: face replaced by kinema 0.1.0"

    /// What independent readers see: ffprobe lists a PNG's tEXt chunks as frame tags, and file(1) (libmagic)
    /// prints a JPEG's COM segment as `comment: "..."`.
    private func independentReading(_ url: URL) throws -> String {
        let p = Process()
        if url.pathExtension == "png" {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/ffprobe")
            p.arguments = ["-v", "error", "-show_frames", "-show_entries", "frame_tags", url.path]
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/file")
            p.arguments = ["-b", url.path]
        }
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(arguments: ["png", "jpg"]) func labelIsStoredAndReadBack(ext: String) throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let image = try ImageFile.read(Fixture.clip("coffee.png"))
        let out = dir.appendingPathComponent("labelled.\(ext)"), plain = dir.appendingPathComponent("plain.\(ext)")
        try ImageFile.write(image, to: out, label: Self.label)
        try ImageFile.write(image, to: plain)
        #expect(try ImageFile.readLabel(out) == Self.label)
        #expect(try ImageFile.readLabel(plain) == nil)
        // The pixels are untouched by the label, and the file still decodes.
        #expect(try ImageFile.read(out) == ImageFile.read(plain))
        let seen = try independentReading(out)
        #expect(seen.contains(Self.label), "\(seen)")
        #expect(Fixture.contents(dir) == ["labelled.\(ext)", "plain.\(ext)"])
    }

    @Test func nonASCIIIsReplacedAndBytesAreDeterministic() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let image = ByteImage(width: 8, height: 8, channels: 3, data: [UInt8](repeating: 90, count: 192))
        let a = dir.appendingPathComponent("a.jpg"), b = dir.appendingPathComponent("b.jpg")
        try ImageFile.write(image, to: a, label: "café\nnew")
        try ImageFile.write(image, to: b, label: "café\nnew")
        #expect(try ImageFile.readLabel(a) == "caf??new")
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    @Test func failuresLeaveNothing() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        // The MJPEG encoder rejects a frame wider than 65535: the failure comes after the temp name is reserved.
        let wide = ByteImage(width: 70_000, height: 1, channels: 1, data: [UInt8](repeating: 0, count: 70_000))
        #expect(throws: VideoIOError.self) { try ImageFile.write(wide, to: dir.appendingPathComponent("wide.jpg"), label: "x") }
        #expect(throws: VideoIOError.self) {
            try ImageFile.write(ByteImage(width: 2, height: 2, channels: 3, data: [UInt8](repeating: 0, count: 12)),
                                to: dir.appendingPathComponent("missing/out.png"))
        }
        #expect(Fixture.contents(dir).isEmpty, "left: \(Fixture.contents(dir))")
        #expect(TemporaryFiles.pending.filter { $0.hasPrefix(dir.path) }.isEmpty)
    }

    @Test func damagedFilesNeverTrap() throws {
        // Every prefix and a spread of byte flips of a labelled PNG and JPEG: the parser returns, never traps.
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let image = ByteImage(width: 16, height: 16, channels: 3, data: (0..<768).map { UInt8($0 & 0xFF) })
        for ext in ["png", "jpg"] {
            let url = dir.appendingPathComponent("x.\(ext)")
            try ImageFile.write(image, to: url, label: "label")
            let bytes = [UInt8](try Data(contentsOf: url))
            for n in 0..<min(bytes.count, 200) { _ = ImageLabel.read(Array(bytes.prefix(n))) }
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // fixed seed: the same mutations every run
            for _ in 0..<500 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                var m = bytes
                m[Int((state >> 33) % UInt64(m.count))] = UInt8(truncatingIfNeeded: state >> 17)
                _ = ImageLabel.read(m)
            }
        }
    }
}
