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
    #expect(leftovers(dir, inputs: ["junk.mp4", "style.png", "tiny.png"]).isEmpty, "left behind: \(leftovers(dir, inputs: ["junk.mp4", "style.png", "tiny.png"]))")
}

/// Everything in `dir` except the test's own inputs, hidden files included: the writers' partial
/// outputs are hidden (`.NAME.<pid>-<token>.part.mp4` beside the target), so any name counts.
func leftovers(_ dir: URL, inputs: Set<String>) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !inputs.contains($0) }
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
        (request(style: "dragon"), "unknown style 'dragon'; choose one of anime, toon, oil, sketch, watercolor, palette, painting, neural"),
        (request(style: "painting:0"), "bad style 'painting:0': style number 0 is outside 1…26"),
        (request(style: "painting:27"), "bad style 'painting:27': style number 27 is outside 1…26"),
        (request(style: "painting:3=-0.5,12=1"), "bad style 'painting:3=-0.5,12=1': weight -0.5 is negative"),
        (request(style: "painting:3=0.5;12=0.5"), "bad style 'painting:3=0.5;12=0.5': '3=0.5;12=0.5' is not K or K=weight"),
        (request(style: "painting:3=0,12=0"), "bad style 'painting:3=0,12=0': the weights sum to 0.0"),
        (request(style: "painting"), "bad style 'painting': name a style number: painting:K (K = 1…26) or a blend painting:3=0.5,12=0.5"),
        (request(style: "anime:2"), "bad style 'anime:2': only painting takes ':…'"),
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
    #expect(leftovers(dir, inputs: ["junk.mp4", "style.png"]).isEmpty, "left behind: \(leftovers(dir, inputs: ["junk.mp4", "style.png"]))")
    // Names are case-insensitive, and a good request runs.
    let job = try request(style: "Anime").prepare()
    #expect(job.settings.style == .anime && job.coherence.coherence == 0.9)
}

/// Painting blends are normalised to sum to 1; bare numbers weigh 1 and repeats add up.
@Test func paintingBlendsNormalise() throws {
    let a = try StyleSpec(parsing: "painting:3=0.5,12=1.5")
    #expect(a.style == .painting && abs(a.paintingWeights[2] - 0.25) < 1e-6 && abs(a.paintingWeights[11] - 0.75) < 1e-6)
    #expect(abs(a.paintingWeights.reduce(0, +) - 1) < 1e-6)
    let b = try StyleSpec(parsing: "Painting:7")
    #expect(b.paintingWeights[6] == 1 && b.paintingWeights.reduce(0, +) == 1)
    let c = try StyleSpec(parsing: "painting:2,2,5")
    #expect(abs(c.paintingWeights[1] - 2.0 / 3) < 1e-6 && abs(c.paintingWeights[4] - 1.0 / 3) < 1e-6)
    #expect(try StyleSpec(parsing: "oil") == StyleSpec(style: .oil))
}

/// A photo in gives a photo out, of the same size, moved by the look; --mix 0 gives the photo back,
/// --mix 0.5 lies between (within rounding); a bad mix or an output that is not an image or is the
/// input is one error before anything is written. An input without frames leaves no file.
@Test func photoInPhotoOutAndMix() throws {
    let dir = try scratchDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let photo = Media.url("astronaut.png")
    let original = try ImageFile.read(photo)
    let cfg: (VideoMetadata) -> VideoWriterConfig = { m in VideoWriterConfig(width: m.width, height: m.height, fps: m.fps) }
    var outs: [ByteImage] = []
    for (mix, name) in [(Float(1), "full.png"), (0, "none.png"), (0.5, "half.png")] {
        let out = dir.appendingPathComponent(name)
        let s = try RestyleRequest(input: photo, output: out, style: "painting:3", mix: mix).prepare().run(makeConfig: cfg)
        #expect(s.frames == 1 && s.width == original.width && s.height == original.height)
        outs.append(try ImageFile.read(out))
    }
    func mad(_ a: ByteImage, _ b: ByteImage) -> Double {
        zip(a.data, b.data).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.data.count)
    }
    #expect(mad(outs[0], original) > 20)
    #expect(outs[1] == original)
    var worst = 0
    for i in 0..<original.data.count {
        let mid = (Int(outs[0].data[i]) + Int(original.data[i])) / 2
        worst = max(worst, abs(Int(outs[2].data[i]) - mid))
    }
    #expect(worst <= 1, "mix 0.5 is not halfway: off by \(worst)")
    let bad: [(RestyleRequest, String)] = [
        (RestyleRequest(input: photo, output: dir.appendingPathComponent("x.png"), style: "anime", mix: 1.5), "mix must be between 0 and 1, got 1.5"),
        (RestyleRequest(input: photo, output: dir.appendingPathComponent("x.mp4"), style: "anime"),
         "cannot write \(dir.appendingPathComponent("x.mp4").path): a photo restyles to a .png or .jpg file"),
    ]
    for (r, message) in bad {
        #expect { _ = try r.prepare() } throws: { ($0 as? RestyleError)?.description == message }
    }
    #expect(throws: VideoIOError.outputIsInput(path: photo.path)) {
        _ = try RestyleRequest(input: photo, output: photo, style: "anime").prepare()
    }
    #expect(try ImageFile.readLabel(dir.appendingPathComponent("full.png")) == "restyled by kinema (style painting:3, mix 1.0)")
    // A file the writer finished without frames (it holds no video stream): an error, and no output
    // file at all (RestylePipeline probes for a first frame before it creates the writer).
    let empty = dir.appendingPathComponent("empty.mp4")
    let writer = try VideoWriter(url: empty, config: VideoWriterConfig(width: 64, height: 48, fps: Rational(25, 1), preset: "ultrafast"))
    do { try writer.finish() } catch { writer.cancel() }
    #expect(FileManager.default.fileExists(atPath: empty.path))
    if FileManager.default.fileExists(atPath: empty.path) {
        let out = dir.appendingPathComponent("out.mp4")
        #expect(throws: (any Error).self) {
            try RestylePipeline.run(input: empty, output: out, settings: StyleSettings(style: .anime),
                                    coherence: CoherenceParameters(), makeConfig: cfg)
        }
    }
    #expect(leftovers(dir, inputs: ["full.png", "none.png", "half.png", "empty.mp4"]).isEmpty)
}
