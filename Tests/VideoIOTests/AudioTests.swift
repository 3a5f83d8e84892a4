import Foundation
import Imaging
import Testing
@testable import VideoIO

/// Audio carried from a source file into a new video.
@Suite struct AudioTests {
    /// Transcoding bigbuckbunny.mp4 copies its AAC packets; the durations agree within one video frame.
    @Test func passthroughKeepsAudioDuration() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let src = Fixture.clip("bigbuckbunny.mp4")
        let reader = try VideoReader(url: src)
        let m = reader.metadata
        let out = dir.appendingPathComponent("bbb.mp4")
        let writer = try VideoWriter(url: out, config: .init(width: m.width, height: m.height, fps: m.fps,
                                                            preset: "ultrafast", audioSource: src))
        #expect(writer.audioMode == "copy")
        try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
        let back = try VideoReader(url: out).metadata
        #expect(back.hasAudio && back.audioCodec == "aac")
        let frame = 1 / m.fps.value
        #expect(abs((back.audioDuration ?? 0) - (m.audioDuration ?? -1)) <= frame)
        #expect(abs(back.duration - m.duration) <= frame)
        #expect(back.frameCount == m.frameCount)
    }

    /// WebM cannot hold AAC, so the audio is transcoded (to Opus) and still lasts as long as the source.
    @Test func webmTranscodesAudio() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let src = Fixture.clip("face_audio.mp4")
        let reader = try VideoReader(url: src)
        let m = reader.metadata
        let out = dir.appendingPathComponent("face.webm")
        let writer = try VideoWriter(url: out, config: .init(width: m.width, height: m.height, fps: m.fps, codec: .vp9,
                                                            preset: "ultrafast", audioSource: src))
        #expect(writer.audioMode == "transcode:opus")
        try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
        let back = try VideoReader(url: out).metadata
        #expect(back.hasAudio && back.audioCodec == "opus")
        #expect(abs(back.duration - m.duration) <= 1 / m.fps.value + 0.001, "container duration \(back.duration)")
    }

    /// MP4 cannot hold Vorbis, so it is decoded, resampled and encoded to AAC; 1 s of tone stays 1 s.
    @Test func mp4TranscodesVorbisToAAC() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let src = Fixture.clip("tone_vorbis.mkv")
        let reader = try VideoReader(url: src)
        #expect(reader.metadata.audioCodec == "vorbis")
        let out = dir.appendingPathComponent("tone.mp4")
        let writer = try VideoWriter(url: out, config: .init(width: 64, height: 48, fps: Rational(25, 1),
                                                            preset: "ultrafast", audioSource: src))
        #expect(writer.audioMode == "transcode:aac")
        try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
        let back = try VideoReader(url: out).metadata
        #expect(back.audioCodec == "aac" && back.frameCount == 25)
        #expect(abs((back.audioDuration ?? 0) - 1.0) <= 0.04, "audio \(back.audioDuration ?? -1) s")
    }

    /// `audioDuration` cuts the audio to the video's length.
    @Test func audioIsCutToRequestedDuration() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let src = Fixture.clip("bigbuckbunny.mp4")
        let out = dir.appendingPathComponent("cut.mp4")
        try VideoWriter.with(url: out, config: .init(width: 64, height: 64, fps: Rational(25, 1), preset: "ultrafast",
                                                     audioSource: src, audioDuration: 1.0)) { w in
            for _ in 0..<25 { try w.write(ByteImage(width: 64, height: 64, fill: 128)) }
        }
        let back = try VideoReader(url: out).metadata
        #expect(abs((back.audioDuration ?? 0) - 1.0) <= 0.04, "audio \(back.audioDuration ?? -1) s")
    }
}
