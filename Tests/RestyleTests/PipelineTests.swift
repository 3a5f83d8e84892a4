import TestMedia
import Foundation
import Imaging
import Flow
import VideoIO
import Testing
@testable import Restyle

func ImageFile_read(_ name: String) throws -> ByteImage { try ImageFile.read(Media.url(name)) }

func scratchDir() throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-restyle-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

@Test func restylePipelineKeepsSizeFpsDurationAudio() throws {
    let dir = try scratchDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = Media.url("face_audio.mp4"), out = dir.appendingPathComponent("out.mp4"), prev = dir.appendingPathComponent("p.png")
    let calls = Counter()
    let s = try RestylePipeline.run(input: input, output: out, settings: StyleSettings(style: .watercolor),
                                    coherence: CoherenceParameters(),
                                    makeConfig: { m in VideoWriterConfig(width: m.width, height: m.height, fps: m.fps, preset: "ultrafast") },
                                    preview: prev, progress: { _ in calls.add() })
    let a = try VideoReader(url: input).metadata, b = try VideoReader(url: out).metadata
    print("pipeline: \(s.frames) frames, \(String(format: "%.1f", s.fps)) fps, audio \(s.audio); in \(a.duration)s out \(b.duration)s")
    #expect(b.width == a.width && b.height == a.height && b.fps == a.fps)
    #expect(b.hasAudio && s.audio != "none")
    #expect(abs(b.duration - a.duration) < 0.05)
    #expect(s.frames == a.frameCount && calls.value == s.frames)
    let sheet = try ImageFile.read(prev)
    #expect(sheet.width == 2 * a.width + 12 && sheet.height == 3 * a.height + 16)
}

@Test func badInputsFailWithoutOutput() throws {
    let dir = try scratchDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.mp4")
    let cfg: (VideoMetadata) -> VideoWriterConfig = { m in VideoWriterConfig(width: m.width, height: m.height, fps: m.fps) }
    // Missing input.
    #expect(throws: (any Error).self) {
        try RestylePipeline.run(input: dir.appendingPathComponent("none.mp4"), output: out,
                                settings: StyleSettings(style: .anime), coherence: CoherenceParameters(), makeConfig: cfg)
    }
    // Garbage input.
    let junk = dir.appendingPathComponent("junk.mp4")
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2654435761) }).write(to: junk)
    #expect(throws: (any Error).self) {
        try RestylePipeline.run(input: junk, output: out, settings: StyleSettings(style: .anime),
                                coherence: CoherenceParameters(), makeConfig: cfg)
    }
    // Bad and too-small style images.
    let notImage = dir.appendingPathComponent("style.png")
    try Data("not a png".utf8).write(to: notImage)
    #expect { _ = try RestylePipeline.loadStyleImage(notImage) } throws: { ($0 as? RestyleError).map { if case .badStyleImage = $0 { true } else { false } } ?? false }
    let tiny = dir.appendingPathComponent("tiny.png")
    try ImageFile.write(ByteImage(width: 4, height: 4, channels: 3, fill: 128), to: tiny)
    #expect(throws: RestyleError.styleImageTooSmall(path: tiny.path, width: 4, height: 4)) { _ = try RestylePipeline.loadStyleImage(tiny) }
    // Bad coherence.
    #expect(throws: RestyleError.badCoherence(2)) {
        var p = CoherenceParameters(); p.coherence = 2
        try RestylePipeline.run(input: Media.url("bikes.mp4"), output: out, settings: StyleSettings(style: .anime), coherence: p, makeConfig: cfg)
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("out") || $0.contains(".tmp") }
    #expect(left.isEmpty, "left behind: \(left)")
}

@Test func warpErrorOfFilesMatchesOriginalFloor() throws {
    let r = try WarpErrorResult.measure(original: Media.url("bikes.mp4"), processed: Media.url("bikes.mp4"), preset: .fast, maxFrames: 5)
    #expect(r.pairs == 4 && abs(r.processed - r.original) < 1e-12 && r.original > 0)
    #expect(throws: WarpErrorFileError.self) {
        _ = try WarpErrorResult.measure(original: Media.url("bikes.mp4"), processed: Media.url("face.mp4"), maxFrames: 3)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

/// The `kinema restyle` command's checks, through the library type it delegates to: a missing or
/// garbage input, an unknown style or palette, a bad style image and a bad coherence each give one
/// clear error, and no output (or preview) file is left behind.
@Test func restyleRequestRejectsBadInputsWithoutOutput() throws {
    let dir = try scratchDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.mp4"), preview = dir.appendingPathComponent("out.png")
    let bikes = Media.url("bikes.mp4")
    let notImage = dir.appendingPathComponent("style.png")
    try Data("not a png".utf8).write(to: notImage)
    let junk = dir.appendingPathComponent("junk.mp4")
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2654435761) }).write(to: junk)
    let cfg: (VideoMetadata) -> VideoWriterConfig = { m in VideoWriterConfig(width: m.width, height: m.height, fps: m.fps) }
    func request(input: URL = bikes, style: String = "anime", coherence: Float = 0.9, styleImage: URL? = nil,
                 palette: String = "ukiyo-e") -> RestyleRequest {
        RestyleRequest(input: input, output: out, style: style, coherence: coherence, styleImage: styleImage,
                       palette: palette, preview: preview)
    }
    let cases: [(RestyleRequest, String)] = [
        (request(style: "dragon"), "unknown style 'dragon'; choose one of anime, toon, oil, sketch, watercolor, palette"),
        (request(style: "palette", palette: "neon"), "unknown palette 'neon'; choose one of ukiyo-e, gameboy, pastel"),
        (request(input: dir.appendingPathComponent("none.mp4")), "no such file: \(dir.appendingPathComponent("none.mp4").path)"),
        (request(coherence: 1.5), "coherence must be between 0 and 1, got 1.5"),
    ]
    for (r, message) in cases {
        #expect { _ = try r.prepare() } throws: { ($0 as? RestyleError)?.description == message }
    }
    #expect { _ = try request(styleImage: notImage).prepare() } throws: { error in
        guard let e = error as? RestyleError, case .badStyleImage = e else { return false }
        return e.description.hasPrefix("cannot use style image \(notImage.path): ")
    }
    // A file that exists but is not a video passes the checks and fails when it is opened.
    #expect(throws: (any Error).self) { try request(input: junk).prepare().run(makeConfig: cfg) }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("out") || $0.contains(".tmp") }
    #expect(left.isEmpty, "left behind: \(left)")
    // Names are case-insensitive, and a good request runs.
    let job = try request(style: "Anime").prepare()
    #expect(job.settings.style == .anime && job.coherence.coherence == 0.9)
}
