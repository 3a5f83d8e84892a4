import Foundation
import Imaging
import Testing
@testable import VideoIO

/// Decoding the committed clips; expected values come from ffprobe (see clips/README.md).
@Suite struct ReaderTests {
    @Test func bikesFrameCountSizeAndRate() throws {
        let reader = try VideoReader(url: Fixture.clip("bikes.mp4"))
        let m = reader.metadata
        #expect(m.width == 640 && m.height == 272)
        #expect(m.fps == Rational(25, 1))
        #expect(m.frameCount == 90)
        #expect(abs(m.duration - 3.6) < 1e-6)
        #expect(m.codec == "h264" && m.pixelFormat == "yuv420p")
        #expect(!m.hasAudio && m.audioCodec == nil && m.rotation == 0)

        var count = 0
        var last = -Double.infinity
        while let f = try reader.nextFrame() {
            #expect(f.image.width == 640 && f.image.height == 272 && f.image.channels == 3)
            #expect(f.index == count)
            #expect(f.pts > last, "timestamps must be strictly increasing")
            #expect(abs(f.pts - Double(count) / 25) < 1e-6)
            last = f.pts
            count += 1
        }
        #expect(count == 90)
        #expect(try reader.nextFrame() == nil, "end of stream stays at the end")
    }

    /// The first frame's mean matches ffmpeg's own rgb24 conversion (134.816, measured with the CLI).
    /// A clip opened through a symbolic link decodes whole: the truncation check once took the link's own size
    /// (its target's name) for the file's and failed every such clip as "decoded 90 of 90 frames".
    @Test func aClipOpenedThroughASymlinkDecodesWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-symlink-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("bikes.mp4")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Fixture.clip("bikes.mp4"))
        let reader = try VideoReader(url: link)
        var count = 0
        while try reader.nextFrame() != nil { count += 1 }
        #expect(count == 90)
    }

    @Test func firstFrameMatchesFFmpegConversion() throws {
        let reader = try VideoReader(url: Fixture.clip("bikes.mp4"))
        let f = try #require(try reader.nextFrame())
        let mean = Double(f.image.data.reduce(0) { $0 + Int($1) }) / Double(f.image.data.count)
        #expect(abs(mean - 134.816) < 0.5)
    }

    @Test func bigBuckBunnyReportsAudio() throws {
        let m = try VideoReader(url: Fixture.clip("bigbuckbunny.mp4")).metadata
        #expect(m.width == 1280 && m.height == 720 && m.frameCount == 64)
        #expect(m.hasAudio && m.audioCodec == "aac")
        #expect(abs((m.audioDuration ?? 0) - 2.56) < 0.04)
    }

    /// rotated90.mp4's track matrix says "turn 90° clockwise", i.e. 270° counter-clockwise.
    @Test func rotationFromDisplayMatrix() throws {
        let reader = try VideoReader(url: Fixture.clip("rotated90.mp4"))
        #expect(reader.metadata.rotation == 270)
        #expect(reader.metadata.width == 96 && reader.metadata.height == 64)
        #expect(try Fixture.decodeAll(Fixture.clip("rotated90.mp4")).count == 10)
    }

    /// autoRotate turns rotated90.mp4's 96×64 frames upright: 90° clockwise, giving 64×96.
    @Test func autoRotateTurnsFramesUpright() throws {
        let coded = try Fixture.decodeAll(Fixture.clip("rotated90.mp4"))
        let reader = try VideoReader(url: Fixture.clip("rotated90.mp4"))
        reader.autoRotate = true
        let f = try #require(try reader.nextFrame())
        #expect(f.image.width == 64 && f.image.height == 96)
        let src = coded[0].image
        // Clockwise: source (x, y) lands at (h - 1 - y, x).
        for (x, y) in [(0, 0), (95, 0), (0, 63), (50, 20)] {
            let s = (y * 96 + x) * 3, d = (x * 64 + (63 - y)) * 3
            #expect(Array(f.image.data[d..<d + 3]) == Array(src.data[s..<s + 3]))
        }
    }

    /// A clip whose display matrix mirrors it (the MP4 track header's matrix, as a front camera may write it)
    /// is read mirrored by autoRotate. Its rotation reads as 180°, and it was read upside down.
    @Test func autoRotateMirrorsAMirroredClip() throws {
        let coded = try Fixture.decodeAll(Fixture.clip("rotated90.mp4"))
        var bytes = [UInt8](try Data(contentsOf: Fixture.clip("rotated90.mp4")))
        // The version-0 track header's matrix starts 40 bytes after its type; its first entry becomes −1 (16.16).
        let tkhd = try #require((0..<bytes.count - 4).first { bytes[$0..<$0 + 4].elementsEqual("tkhd".utf8) })
        #expect(bytes[tkhd + 4] == 0)
        bytes.replaceSubrange(tkhd + 44..<tkhd + 48, with: [0xFF, 0xFF, 0, 0])
        bytes.replaceSubrange(tkhd + 48..<tkhd + 64, with: [UInt8](repeating: 0, count: 16))
        bytes.replaceSubrange(tkhd + 60..<tkhd + 64, with: [0, 1, 0, 0])
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let mirrored = dir.appendingPathComponent("mirrored.mp4")
        try Data(bytes).write(to: mirrored)
        let reader = try VideoReader(url: mirrored)
        #expect(reader.metadata.rotation == 180)
        reader.autoRotate = true
        let f = try #require(try reader.nextFrame())
        let src = coded[0].image
        #expect(f.image.width == 96 && f.image.height == 64)
        let expected = DisplayTransform(a: -1, b: 0, c: 0, d: 1).applied(to: src)
        #expect(f.image == expected)
    }

    @Test func seekLandsOnTheRequestedFrame() throws {
        let all = try Fixture.decodeAll(Fixture.clip("face.mp4"))
        #expect(all.count == 64)
        let reader = try VideoReader(url: Fixture.clip("face.mp4"))
        for target in [40, 3, 63] {
            try reader.seek(to: Double(target) / 25)
            let f = try #require(try reader.nextFrame())
            #expect(f.index == target)
            #expect(abs(f.pts - Double(target) / 25) < 1e-6)
            #expect(f.image == all[target].image, "frame after seek equals the sequentially decoded frame")
        }
        // After the last seek the stream continues to its end.
        #expect(try reader.nextFrame() == nil)
    }

    @Test func scopedOpen() throws {
        let size = try VideoReader.open(Fixture.clip("face.mp4")) { ($0.metadata.width, $0.metadata.height) }
        #expect(size == (256, 256))
    }
}
