import Foundation
import Testing
import TestMedia
import VideoIO

/// `kinema info` and `kinema transcode` as a user runs them: output contracts, bad inputs and outputs, Ctrl-C.
@Suite struct TranscodeCLITests {
    @Test func infoJSON() throws {
        let r = try KinemaCLI.run(["info", Media.url("bikes.mp4").path, "--json"])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["width"] as? Int == 640 && obj["height"] as? Int == 272 && obj["frameCount"] as? Int == 90)
        let text = try KinemaCLI.run(["info", Media.url("rotated90.mp4").path])
        #expect(text.status == 0 && text.stdout.contains("rotation:    270"))
    }

    @Test func transcodeKeepsAudioAndIsQuietWithoutTTY() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("t.mp4")
        let r = try KinemaCLI.run(["transcode", Media.url("face_audio.mp4").path, "-o", out.path,
                              "--preset", "ultrafast", "--crf", "20"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote \(out.path): 64 frames 256x256 h264 crf 20, audio copy"))
        let info = try KinemaCLI.run(["info", out.path, "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        #expect(obj["hasAudio"] as? Bool == true && obj["frameCount"] as? Int == 64)
        #expect(KinemaCLI.contents(dir) == ["t.mp4"])
    }

    @Test func transcodeResizes() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("small.mp4")
        let r = try KinemaCLI.run(["transcode", Media.url("bikes.mp4").path, "-o", out.path, "--size", "161x69",
                              "--preset", "ultrafast", "--quiet"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("162x70") && r.stdout.contains("padded from 161x69"))
        let reader = try VideoReader(url: out)
        var frames = 0
        while try reader.nextFrame() != nil { frames += 1 }
        #expect(frames == 90 && reader.metadata.width == 162)
    }

    @Test func transcodeKeepsRotation() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.mov")
        let r = try KinemaCLI.run(["transcode", Media.url("rotated90.mp4").path, "-o", out.path, "--preset", "ultrafast"])
        #expect(r.status == 0, "\(r.stderr)")
        let reader = try VideoReader(url: out)
        #expect(reader.metadata.rotation == 270 && reader.metadata.frameCount == 10)
    }

    @Test func badInputsFailCleanly() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.mp4")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        let text = dir.appendingPathComponent("text.mp4")
        _ = FileManager.default.createFile(atPath: text.path, contents: Data("not a video\n".utf8))
        let half = dir.appendingPathComponent("half.mp4")
        let whole = try Data(contentsOf: Media.url("bikes.mp4"))
        try whole.prefix(whole.count / 2).write(to: half)
        let cases: [(String, String)] = [
            (dir.appendingPathComponent("missing.mp4").path, "no such file"),
            (dir.path, "is a directory"),
            (empty.path, "file is empty"),
            (text.path, "not a readable media file"),
            (half.path, "truncated"),
        ]
        let before = Set(KinemaCLI.contents(dir))
        for (input, message) in cases {
            let r = try KinemaCLI.run(["transcode", input, "-o", dir.appendingPathComponent("out.mp4").path, "--preset", "ultrafast"])
            KinemaCLI.expectOneLineError(r, mentioning: message)
        }
        #expect(Set(KinemaCLI.contents(dir)) == before, "no output or temporary file left")
    }

    @Test func unwritableOutputsFailCleanly() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("plain")
        _ = FileManager.default.createFile(atPath: plain.path, contents: Data("x".utf8))
        for out in [plain.appendingPathComponent("o.mp4").path, "/proc/kinema-cli-\(getpid()).mp4",
                    dir.appendingPathComponent("missing/o.mp4").path] {
            let r = try KinemaCLI.run(["transcode", Media.url("face.mp4").path, "-o", out])
            KinemaCLI.expectOneLineError(r, mentioning: "cannot write output")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        #expect(KinemaCLI.contents(dir) == ["plain"])
    }

    @Test func outputEqualToInputIsRefused() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.mp4")
        try FileManager.default.copyItem(at: Media.url("face.mp4"), to: input)
        let r = try KinemaCLI.run(["transcode", input.path, "-o", input.path])
        KinemaCLI.expectOneLineError(r, mentioning: "overwrite an input")
        #expect(try Data(contentsOf: input) == Data(contentsOf: Media.url("face.mp4")))
    }

    /// Ctrl-C during a transcode exits 130 and removes the partial output.
    @Test func interruptRemovesPartialOutput() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try KinemaCLI.run(["transcode", Media.url("bigbuckbunny.mp4").path, "-o",
                              dir.appendingPathComponent("o.mp4").path, "--preset", "veryslow"],
                             interruptWhen: { KinemaCLI.contents(dir).contains { $0.hasSuffix(".part.mp4") } })
        #expect(r.status == 130)
        #expect(KinemaCLI.contents(dir).isEmpty)
    }
}

/// The progress reporter off a terminal: whole lines with counts, rate and ETA, never `\r` or escape codes.
@Suite struct ProgressLineTests {
    @Test func progressOnAPipeIsWholeLines() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try KinemaCLI.run(["transcode", Media.url("bigbuckbunny.mp4").path, "-o", dir.appendingPathComponent("t.mp4").path,
                                   "--preset", "slow"], environment: ["KINEMA_PROGRESS_INTERVAL": "0.1"])
        #expect(r.status == 0)
        #expect(!r.stderr.contains("\r") && !r.stderr.contains("\u{1B}"))
        let lines = r.stderr.split(separator: "\n")
        #expect(!lines.isEmpty && r.stderr.hasSuffix("\n"), "stderr: \(r.stderr)")
        let pattern = /transcode: \d+\/64 frames \(\d+%\), \d+\.\d fps(, ETA \d+:\d\d)?/
        #expect(lines.allSatisfy { $0.wholeMatch(of: pattern) != nil }, "stderr: \(r.stderr)")
    }
}
