import Foundation
import Imaging
import Testing
@testable import VideoIO

/// Every kind of bad input gives a precise error, and no output file appears.
@Suite struct BadInputTests {
    /// Runs a transcode from `input` into a scratch folder and returns the error plus what the folder holds.
    private func transcodeError(_ input: URL, in dir: URL) -> (VideoIOError?, [String]) {
        let out = dir.appendingPathComponent("out.mp4")
        do {
            let reader = try VideoReader(url: input)
            let m = reader.metadata
            let writer = try VideoWriter(url: out, config: .init(width: m.width, height: m.height, fps: m.fps,
                                                                preset: "ultrafast", inputs: [input]))
            try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
            return (nil, Fixture.contents(dir))
        } catch let e as VideoIOError {
            return (e, Fixture.contents(dir).filter { $0 != input.lastPathComponent })
        } catch {
            return (nil, ["unexpected error \(error)"])
        }
    }

    @Test func missingFile() {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let (e, files) = transcodeError(dir.appendingPathComponent("nope.mp4"), in: dir)
        #expect(e == .fileNotFound(path: dir.appendingPathComponent("nope.mp4").path))
        #expect(files.isEmpty)
    }

    @Test func directory() {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let sub = dir.appendingPathComponent("folder.mp4")
        try? FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
        let (e, files) = transcodeError(sub, in: dir)
        #expect(e == .isDirectory(path: sub.path))
        #expect(files.isEmpty)
    }

    @Test func emptyFile() {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let f = dir.appendingPathComponent("empty.mp4")
        _ = FileManager.default.createFile(atPath: f.path, contents: Data())
        let (e, files) = transcodeError(f, in: dir)
        #expect(e == .emptyFile(path: f.path))
        #expect(files.isEmpty)
    }

    @Test func textFileRenamedMP4() {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let f = dir.appendingPathComponent("notes.mp4")
        _ = FileManager.default.createFile(atPath: f.path, contents: Data(String(repeating: "just some text\n", count: 50).utf8))
        let (e, files) = transcodeError(f, in: dir)
        guard case .unrecognisedInput(let path, let reason)? = e else {
            Issue.record("expected unrecognisedInput, got \(String(describing: e))"); return
        }
        #expect(path == f.path && !reason.isEmpty)
        #expect(files.isEmpty)
    }

    /// Half an MP4: the readable frames decode, then the reader reports the truncation.
    @Test func truncatedToHalf() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let whole = try Data(contentsOf: Fixture.clip("bikes.mp4"))
        let f = dir.appendingPathComponent("half.mp4")
        try whole.prefix(whole.count / 2).write(to: f)

        let reader = try VideoReader(url: f)
        var decoded = 0
        var caught: VideoIOError?
        do { while try reader.nextFrame() != nil { decoded += 1 } } catch { caught = error }
        #expect(decoded > 20 && decoded < 90, "decoded \(decoded) readable frames")
        #expect(caught == .truncated(path: f.path, framesDecoded: decoded, framesExpected: 90))

        let (e, files) = transcodeError(f, in: dir)
        guard case .truncated? = e else { Issue.record("expected truncated, got \(String(describing: e))"); return }
        #expect(files.isEmpty)
    }

    @Test func outputUnderARegularFile() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let file = dir.appendingPathComponent("plain.txt")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
        let out = file.appendingPathComponent("out.mp4")
        #expect(throws: VideoIOError.outputNotWritable(path: out.path, reason: "\(file.path) is not a folder")) {
            _ = try VideoWriter(url: out, config: .init(width: 64, height: 64, fps: Rational(25, 1)))
        }
        #expect(Fixture.contents(dir) == ["plain.txt"])
    }

    /// /proc refuses new files even to root, so this is a folder that truly cannot be written.
    @Test func outputInProcFails() throws {
        let out = URL(fileURLWithPath: "/proc/kinema-test-\(getpid()).mp4")
        let e = #expect(throws: VideoIOError.self) {
            _ = try VideoWriter(url: out, config: .init(width: 64, height: 64, fps: Rational(25, 1)))
        }
        if case .outputNotWritable? = e {} else { Issue.record("unexpected \(String(describing: e))") }
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(TemporaryFiles.pending.allSatisfy { !$0.hasPrefix("/proc/") })
    }

    @Test func missingOutputFolder() {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let out = dir.appendingPathComponent("no/such/out.mp4")
        #expect(throws: VideoIOError.self) {
            _ = try VideoWriter(url: out, config: .init(width: 64, height: 64, fps: Rational(25, 1)))
        }
    }

    @Test func outputEqualToInputIsRefused() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let input = dir.appendingPathComponent("in.mp4")
        try FileManager.default.copyItem(at: Fixture.clip("face_audio.mp4"), to: input)
        let before = try Data(contentsOf: input)
        let sneaky = dir.appendingPathComponent("./sub/../in.mp4")
        try? FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
        for config in [VideoWriterConfig(width: 256, height: 256, fps: Rational(25, 1), inputs: [input]),
                       VideoWriterConfig(width: 256, height: 256, fps: Rational(25, 1), audioSource: input)] {
            #expect(throws: VideoIOError.outputIsInput(path: sneaky.path)) {
                _ = try VideoWriter(url: sneaky, config: config)
            }
        }
        let link = dir.appendingPathComponent("hardlink.mp4")
        try FileManager.default.linkItem(at: input, to: link)
        #expect(throws: VideoIOError.outputIsInput(path: link.path)) {
            _ = try VideoWriter(url: link, config: VideoWriterConfig(width: 256, height: 256, fps: Rational(25, 1),
                                                                     inputs: [input]))
        }
        #expect(try Data(contentsOf: input) == before)
    }
}
