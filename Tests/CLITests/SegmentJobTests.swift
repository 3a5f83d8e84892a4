import Foundation
import TestMedia
import Testing
import VideoIO

/// `--segment K/N` + `kinema concat`: the joined parts equal the one-machine run (losslessly encoded, `--crf 0`)
/// within 40 dB PSNR at every frame, with every frame, the audio whole and the labels kept.
@Suite struct SegmentJobTests {
    /// Restyle (anime, coherence 0.9) of the clip with audio and a face, cut into 3 parts.
    @Test func restyleInThreePartsEqualsOneRun() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let input = Media.url("face_audio.mp4").path
        let r = try SegmentRun.wholeAndParts(["restyle", input, "--style", "anime", "--coherence", "0.9", "--crf", "0"],
                                             parts: 3, in: dir, audioFrom: input)
        try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined, audioSource: Media.url("face_audio.mp4"))
    }

    /// Restyle of real street footage (180 frames: bikes.mp4 forward and back, 320×136) in 3 parts: the parts start at
    /// frames 60 and 120 and warm up from frames 3 and 63, so the warm-up, not a replay from frame 0, makes them equal.
    @Test func restyleOfALongerClipWarmsUpEachPart() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let clip = dir.appendingPathComponent("bikes-pingpong.mp4")
        try SegmentRun.pingPong("bikes.mp4", width: 320, height: 136, to: clip)
        let r = try SegmentRun.wholeAndParts(["restyle", clip.path, "--style", "anime", "--crf", "0", "--preset", "ultrafast"],
                                             parts: 3, in: dir)
        try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined)
    }

    /// Face swap of a 128-frame clip (face.mp4 forward and back) in 3 parts: the third starts at frame 85 and warms up
    /// from frame 40 (a multiple of the detection interval), its last frames look ahead past the second's end.
    @Test func faceswapOfALongerClipWarmsUpEachPart() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let clip = dir.appendingPathComponent("face-pingpong.mp4")
        try SegmentRun.pingPong("face.mp4", to: clip)
        let r = try SegmentRun.wholeAndParts(["faceswap", "--source", Media.url("astronaut.png").path, "--target", clip.path,
                                              "--crf", "0"], parts: 3, in: dir)
        try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined)
    }

    /// Face swap (tracking, zero-phase smoothing with look-ahead, scene cuts) in 3 parts, audio from the input.
    @Test func faceswapInThreePartsEqualsOneRun() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let input = Media.url("face_audio.mp4").path
        let r = try SegmentRun.wholeAndParts(["faceswap", "--source", Media.url("astronaut.png").path, "--target", input,
                                              "--crf", "0"], parts: 3, in: dir, audioFrom: input)
        try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined, audioSource: Media.url("face_audio.mp4"))
        #expect(try VideoReader(url: r.joined).metadata.tags["comment"]?.hasPrefix("synthetic media") == true)
    }

    /// Transcode keeps no state: parts join to exactly the whole run, rotation kept.
    @Test func transcodeInPartsIsExact() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SegmentRun.wholeAndParts(["transcode", Media.url("rotated90.mp4").path, "--crf", "0"], parts: 3, in: dir)
        try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined, minPSNR: .infinity)
        #expect(try VideoReader(url: r.joined).metadata.rotation == VideoReader(url: r.whole).metadata.rotation)
    }

    /// text2video frames depend only on their time; parts start at the generator batch holding their first frame.
    /// Also exercises text2video's new encoding options (`--crf`, `--preset`).
    @Test func text2videoInPartsIsExact() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SegmentRun.wholeAndParts(["text2video", "a calm woman then she smiles", "--seconds", "2", "--fps", "24",
                                              "--size", "128x128", "--crf", "0", "--preset", "ultrafast"], parts: 3, in: dir)
        try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined, minPSNR: .infinity)
        #expect(try VideoReader(url: r.joined).metadata.tags["comment"]?.hasPrefix("synthetic media") == true)
    }

    /// Each part says what it is: `K/N frames=a-b/F job=HASH`, the same job for every part.
    @Test func partsCarryTheirSegmentTag() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        var jobs = Set<String>()
        for k in 1...2 {
            let p = dir.appendingPathComponent("p\(k).mp4")
            let r = try KinemaCLI.run(["transcode", Media.url("face.mp4").path, "--segment", "\(k)/2", "-o", p.path, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            let m = try VideoReader(url: p).metadata
            let tag = try #require(m.tags[SegmentTag.key].flatMap(SegmentTag.init(value:)))
            #expect(tag.segment == (try Segment(index: k, count: 2)))
            #expect(tag.frames == (k == 1 ? 0..<32 : 32..<64) && tag.total == 64)
            #expect(m.frameCount == 32 && !m.hasAudio)
            jobs.insert(tag.job)
        }
        #expect(jobs.count == 1)
    }
}
