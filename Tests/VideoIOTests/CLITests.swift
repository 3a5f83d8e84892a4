import Foundation
import Testing
@testable import VideoIO

/// Runs the built `kinema` executable the way a user does.
@Suite struct CLITests {
    /// `kinema` sits next to the test bundle in the build folder.
    static let kinema: URL? = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [runner.deletingLastPathComponent().appendingPathComponent("kinema")]
        for dir in [".build/debug", ".build/release"] {
            candidates.append(Fixture.repo.appendingPathComponent(dir).appendingPathComponent("kinema"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], interruptWhen: (() -> Bool)? = nil) throws -> Run {
        let exe = try #require(kinema, "kinema executable not found next to the tests; build with `swift build --build-tests`")
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        if let interruptWhen {
            let deadline = Date().addingTimeInterval(20)
            while !interruptWhen() && p.isRunning && Date() < deadline { usleep(10_000) }
            if p.isRunning { p.interrupt() }
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    /// The error contract: non-zero exit, exactly one stderr line `kinema: error: ...`.
    static func expectOneLineError(_ r: Run, mentioning: String) {
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(lines.first?.hasPrefix("kinema: error: ") == true)
        #expect(r.stderr.contains(mentioning), "stderr: \(r.stderr)")
    }

    @Test func infoJSON() throws {
        let r = try Self.run(["info", Fixture.clip("bikes.mp4").path, "--json"])
        #expect(r.status == 0 && r.stderr.isEmpty)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["width"] as? Int == 640 && obj["height"] as? Int == 272 && obj["frameCount"] as? Int == 90)
        let text = try Self.run(["info", Fixture.clip("rotated90.mp4").path])
        #expect(text.status == 0 && text.stdout.contains("rotation:    270"))
    }

    @Test func transcodeKeepsAudioAndIsQuietWithoutTTY() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let out = dir.appendingPathComponent("t.mp4")
        let r = try Self.run(["transcode", Fixture.clip("face_audio.mp4").path, "-o", out.path,
                              "--preset", "ultrafast", "--crf", "20"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(r.stderr)")
        #expect(r.stdout.hasPrefix("wrote \(out.path): 64 frames 256x256 h264 crf 20, audio copy"))
        let info = try Self.run(["info", out.path, "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        #expect(obj["hasAudio"] as? Bool == true && obj["frameCount"] as? Int == 64)
        #expect(Fixture.contents(dir) == ["t.mp4"])
    }

    @Test func transcodeResizes() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let out = dir.appendingPathComponent("small.mp4")
        let r = try Self.run(["transcode", Fixture.clip("bikes.mp4").path, "-o", out.path, "--size", "161x69",
                              "--preset", "ultrafast", "--quiet"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("162x70") && r.stdout.contains("padded from 161x69"))
        let frames = try Fixture.decodeAll(out)
        #expect(frames.count == 90 && frames[0].image.width == 162)
    }

    @Test func transcodeKeepsRotation() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let out = dir.appendingPathComponent("r.mov")
        let r = try Self.run(["transcode", Fixture.clip("rotated90.mp4").path, "-o", out.path, "--preset", "ultrafast"])
        #expect(r.status == 0, "\(r.stderr)")
        let reader = try VideoReader(url: out)
        #expect(reader.metadata.rotation == 270 && reader.metadata.frameCount == 10)
    }

    @Test func badInputsFailCleanly() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let empty = dir.appendingPathComponent("empty.mp4")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        let text = dir.appendingPathComponent("text.mp4")
        _ = FileManager.default.createFile(atPath: text.path, contents: Data("not a video\n".utf8))
        let half = dir.appendingPathComponent("half.mp4")
        let whole = try Data(contentsOf: Fixture.clip("bikes.mp4"))
        try whole.prefix(whole.count / 2).write(to: half)
        let cases: [(String, String)] = [
            (dir.appendingPathComponent("missing.mp4").path, "no such file"),
            (dir.path, "is a directory"),
            (empty.path, "file is empty"),
            (text.path, "not a readable media file"),
            (half.path, "truncated"),
        ]
        let before = Set(Fixture.contents(dir))
        for (input, message) in cases {
            let r = try Self.run(["transcode", input, "-o", dir.appendingPathComponent("out.mp4").path, "--preset", "ultrafast"])
            Self.expectOneLineError(r, mentioning: message)
        }
        #expect(Set(Fixture.contents(dir)) == before, "no output or temporary file left")
    }

    @Test func unwritableOutputsFailCleanly() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let plain = dir.appendingPathComponent("plain")
        _ = FileManager.default.createFile(atPath: plain.path, contents: Data("x".utf8))
        for out in [plain.appendingPathComponent("o.mp4").path, "/proc/kinema-cli-\(getpid()).mp4",
                    dir.appendingPathComponent("missing/o.mp4").path] {
            let r = try Self.run(["transcode", Fixture.clip("face.mp4").path, "-o", out])
            Self.expectOneLineError(r, mentioning: "cannot write output")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        #expect(Fixture.contents(dir) == ["plain"])
    }

    @Test func outputEqualToInputIsRefused() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let input = dir.appendingPathComponent("in.mp4")
        try FileManager.default.copyItem(at: Fixture.clip("face.mp4"), to: input)
        let r = try Self.run(["transcode", input.path, "-o", input.path])
        Self.expectOneLineError(r, mentioning: "overwrite an input")
        #expect(try Data(contentsOf: input) == Data(contentsOf: Fixture.clip("face.mp4")))
    }

    /// Ctrl-C during a transcode exits 130 and removes the partial output.
    @Test func interruptRemovesPartialOutput() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let r = try Self.run(["transcode", Fixture.clip("bigbuckbunny.mp4").path, "-o",
                              dir.appendingPathComponent("o.mp4").path, "--preset", "veryslow"],
                             interruptWhen: { Fixture.contents(dir).contains { $0.hasSuffix(".part.mp4") } })
        #expect(r.status == 130)
        #expect(Fixture.contents(dir).isEmpty)
    }
}
