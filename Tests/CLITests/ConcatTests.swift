import Foundation
import TestMedia
import Testing
import VideoIO

/// `kinema concat`'s checks: parts out of order, missing, of another job, or not parts at all give one clear line,
/// and leave no output behind.
@Suite struct ConcatTests {
    /// Three parts of one transcode job and one part of another (different --crf), made once per test.
    struct Parts {
        let dir: URL
        let parts: [URL]
        let stranger: URL
        init() throws {
            dir = try KinemaCLI.scratch("concat")
            var made: [URL] = []
            for k in 1...3 {
                let p = dir.appendingPathComponent("p\(k).mp4")
                let r = try KinemaCLI.run(["transcode", Media.url("face_audio.mp4").path, "--preset", "ultrafast",
                                           "--segment", "\(k)/3", "-o", p.path, "--quiet"])
                #expect(r.status == 0, "\(r.stderr)")
                made.append(p)
            }
            parts = made
            stranger = dir.appendingPathComponent("other.mp4")
            let r = try KinemaCLI.run(["transcode", Media.url("face_audio.mp4").path, "--preset", "ultrafast", "--crf", "30",
                                       "--segment", "2/3", "-o", stranger.path, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }

        /// Runs concat on `files` into `out.mp4` and expects a one-line error mentioning `text`, and no output.
        func expectRefused(_ files: [URL], mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = KinemaCLI.contents(dir)
            let r = try KinemaCLI.run(["concat"] + files.map(\.path) + ["-o", dir.appendingPathComponent("out.mp4").path])
            KinemaCLI.expectOneLineError(r, mentioning: text, sourceLocation: sourceLocation)
            #expect(KinemaCLI.contents(dir) == before, "concat left files behind", sourceLocation: sourceLocation)
        }
    }

    @Test func refusesPartsThatDoNotFormOneJob() throws {
        let s = try Parts(); defer { try? FileManager.default.removeItem(at: s.dir) }
        let p = s.parts
        try s.expectRefused([p[0], p[2], p[1]], mentioning: "out of order: expected part 2, got part 3")
        try s.expectRefused([p[0], p[1]], mentioning: "missing part 3 of 3")
        try s.expectRefused([p[1], p[2]], mentioning: "missing part 1 of 3")
        try s.expectRefused([p[0], p[0], p[2]], mentioning: "expected part 2, got part 1")
        try s.expectRefused([p[0], s.stranger, p[2]], mentioning: "part of another job")
        try s.expectRefused([p[0], Media.url("face.mp4"), p[2]], mentioning: "not a kinema segment")
        try s.expectRefused([p[0], s.dir.appendingPathComponent("nope.mp4"), p[2]], mentioning: "no such file")
    }

    /// The good order joins by stream copy: all frames, continuous timestamps, the parts' encoded bytes unchanged,
    /// the audio whole from the source; and the output never overwrites a part.
    @Test func joinsByStreamCopyWithAudioFromTheSource() throws {
        let s = try Parts(); defer { try? FileManager.default.removeItem(at: s.dir) }
        let out = s.dir.appendingPathComponent("joined.mp4")
        let r = try KinemaCLI.run(["concat"] + s.parts.map(\.path) + ["-o", out.path, "--audio-from", Media.url("face_audio.mp4").path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["frames"] as? Int == 64 && r.json?["audio"] as? String == "copy")
        // Stream copy: every part's frames decode to exactly the same pixels inside the joined file.
        var expected: [[UInt8]] = []
        for p in s.parts { let rd = try VideoReader(url: p); while let f = try rd.nextFrame() { expected.append(f.image.data) } }
        let joined = try VideoReader(url: out)
        var got: [[UInt8]] = [], pts: [Double] = []
        while let f = try joined.nextFrame() { got.append(f.image.data); pts.append(f.pts) }
        #expect(got == expected)
        #expect(zip(pts, pts.dropFirst()).allSatisfy { abs($1 - $0 - 0.04) < 1e-6 }, "timestamps not continuous: \(pts)")
        let m = joined.metadata
        #expect(m.tags[SegmentTag.key] == nil && m.hasAudio && m.frameCount == 64)
        let srcAudio = try #require(VideoReader(url: Media.url("face_audio.mp4")).metadata.audioDuration)
        #expect(abs((m.audioDuration ?? 0) - srcAudio) < 1e-3)

        let clash = try KinemaCLI.run(["concat"] + s.parts.map(\.path) + ["-o", s.parts[0].path])
        KinemaCLI.expectOneLineError(clash, mentioning: "overwrite an input")
    }
}

/// Without `--audio-from`, parts that carry audio (written by another tool, say) are joined end to end.
@Suite struct ConcatPartsAudioTests {
    /// A half turn and a horizontal mirror both read as rotation 180°; parts that differ so must not be joined
    /// (the joined stream keeps the first part's matrix, which would show the other part wrongly).
    @Test func refusesPartsWhoseDisplayMatricesDifferOnlyInAMirror() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let source = try VideoReader(url: Media.url("face_audio.mp4"))
        var frames: [VideoFrame] = []
        while frames.count < 8, let f = try source.nextFrame() { frames.append(f) }
        let halfTurn: [Int32] = [-65536, 0, 0, 0, -65536, 0, 0, 0, 1 << 30]
        let mirror: [Int32] = [-65536, 0, 0, 0, 65536, 0, 0, 0, 1 << 30]
        var parts: [URL] = []
        for (k, matrix) in [(1, halfTurn), (2, mirror)] {
            let window = try SegmentWindow(segment: Segment(index: k, count: 2), total: frames.count, warmUp: 0, lookAhead: 0)
            var config = window.partConfig(VideoWriterConfig(width: 256, height: 256, fps: Rational(25, 1), crf: 0,
                                                             preset: "ultrafast"), job: "mirror")
            config.displayMatrix = matrix
            let url = dir.appendingPathComponent("p\(k).mp4")
            try withVideoWriter(url: url, config: config) { w in for i in window.write { try w.write(frames[i].image) } }
            #expect(try VideoReader(url: url).metadata.rotation == 180)
            parts.append(url)
        }
        let out = dir.appendingPathComponent("joined.mp4")
        let r = try KinemaCLI.run(["concat"] + parts.map(\.path) + ["-o", out.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("mirroring"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func partsAudioIsJoinedWithoutGaps() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let source = try VideoReader(url: Media.url("face_audio.mp4"))
        var frames: [VideoFrame] = []
        while let f = try source.nextFrame() { frames.append(f) }
        var parts: [URL] = []
        for k in 1...2 {
            let window = try SegmentWindow(segment: Segment(index: k, count: 2), total: frames.count, warmUp: 0, lookAhead: 0)
            var config = VideoWriterConfig(width: 256, height: 256, fps: Rational(25, 1), crf: 0, preset: "ultrafast")
            config = window.partConfig(config, job: "test")
            config.audioSource = Media.url("face_audio.mp4")   // each part carries audio as long as its video
            config.audioDuration = Double(window.write.count) / 25
            let url = dir.appendingPathComponent("p\(k).mp4")
            try withVideoWriter(url: url, config: config) { w in for i in window.write { try w.write(frames[i].image) } }
            parts.append(url)
        }
        let out = dir.appendingPathComponent("joined.mp4")
        let r = try KinemaCLI.run(["concat"] + parts.map(\.path) + ["-o", out.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["audio"] as? String == "parts" && r.json?["frames"] as? Int == 64)
        let audio = try parts.map { try #require(VideoReader(url: $0).metadata.audioDuration) }
        let joined = try #require(VideoReader(url: out).metadata.audioDuration)
        // No gap and no overlap: the joined audio lasts as long as the parts' audio together.
        #expect(abs(joined - audio.reduce(0, +)) < 1e-3, "joined \(joined) s, parts \(audio)")
    }
}
