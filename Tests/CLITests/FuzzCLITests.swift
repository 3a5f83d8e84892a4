import Foundation
import Generation
import Imaging
import Neural
import TestMedia
import Testing
import VideoIO

/// Mutated MP4, PNG, JPEG, storyboard JSON, safetensors and tflite files go through every command that reads
/// them. Whatever the damage, each run must end by a normal exit (never a signal: a Swift trap shows up as
/// SIGILL/SIGTRAP), with status 0 or a single `kinema: error:` line and status 1, leave no file behind but its
/// declared outputs on success, and leave its inputs unchanged. Seeds are fixed: every run tries the same files.
@Suite(.serialized) struct FuzzCLITests {
    /// One command line on one mutated file; `outputs` are the files a successful run may leave.
    struct Case {
        var args: [String]
        var outputs: [String] = []
        var environment: [String: String] = [:]
    }

    /// Runs `c` in `dir` and checks the contract; `inputs` must be byte-identical afterwards.
    static func check(_ c: Case, in dir: URL, inputs: [URL], label: String) throws {
        let before = try inputs.map { try Data(contentsOf: $0) }
        let r = try KinemaCLI.run(c.args, environment: c.environment)
        let what = "\(label): kinema \(c.args.joined(separator: " "))"
        #expect(r.reason == .exit, "\(what) died of signal \(r.status)")
        #expect(r.status == 0 || r.status == 1, "\(what) exited \(r.status): \(r.stderr)")
        let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("warning: ") && !$0.hasPrefix("kinema: warning: ") }
        if r.status == 0 {
            #expect(lines.isEmpty, "\(what) succeeded but wrote: \(r.stderr)")
        } else {
            #expect(lines.count == 1 && lines[0].hasPrefix("kinema: error: "), "\(what) stderr: \(r.stderr)")
            #expect(!r.stderr.contains("Error Domain=") && !r.stderr.contains("NSUnderlyingError"), "\(what): \(r.stderr)")
        }
        var allowed = Set(inputs.filter { $0.deletingLastPathComponent().path == dir.path }.map(\.lastPathComponent))
        if r.status == 0 { allowed.formUnion(c.outputs) }
        let left = KinemaCLI.contents(dir).filter { !allowed.contains($0) }
        #expect(left.isEmpty, "\(what) left \(left)")
        for (url, data) in zip(inputs, before) { #expect(try Data(contentsOf: url) == data, "\(what) changed \(url.path)") }
        for name in c.outputs { try? FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
    }

    /// Writes `count` mutants of `original` as `dir/name` one after another and runs `cases` on each.
    static func fuzz(_ original: [UInt8], name: String, count: Int, seed: UInt64, headerBytes: Int? = nil,
                     extraInputs: [URL] = [], in dir: URL, cases: (URL) -> [Case]) throws {
        var rng = SplitMix64(seed: seed)
        let file = dir.appendingPathComponent(name)
        for i in 0..<count {
            let mutant = Mutator.mutate(original, rng: &rng, focus: headerBytes)
            try Data(mutant).write(to: file)
            for c in cases(file) { try check(c, in: dir, inputs: [file] + extraInputs, label: "\(name) mutant \(i)") }
        }
        try? FileManager.default.removeItem(at: file)
    }

    @Test func mutatedVideos() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let original = [UInt8](try Data(contentsOf: Media.url("rotated90.mp4")))
        let photo = Media.url("astronaut.png")
        try Self.fuzz(original, name: "in.mp4", count: 6, seed: 1, extraInputs: [photo], in: dir) { f in
            let out = dir.appendingPathComponent("out.mp4").path
            return [
                Case(args: ["info", f.path]),
                Case(args: ["transcode", f.path, "-o", out, "--preset", "ultrafast"], outputs: ["out.mp4"]),
                Case(args: ["detect", f.path, "--json"]),
                Case(args: ["restyle", f.path, "-o", out, "--style", "toon", "--preset", "ultrafast"], outputs: ["out.mp4"]),
                Case(args: ["faceswap", "--source", photo.path, "--target", f.path, "-o", out, "--preset", "ultrafast"],
                     outputs: ["out.mp4"]),
                Case(args: ["metrics", "flicker", f.path]),
                Case(args: ["concat", Media.url("rotated90.mp4").path, f.path, "-o", out], outputs: ["out.mp4"]),
            ]
        }
    }

    /// A 96×96 crop around the astronaut's face, small enough that most mutations land in headers.
    static func smallPhoto(_ dir: URL, ext: String) throws -> [UInt8] {
        let full = try ImageFile.read(Media.url("astronaut.png"))
        let crop = full.cropped(x: 160, y: 40, width: 160, height: 160)
        let url = dir.appendingPathComponent("seed.\(ext)")
        try ImageFile.write(crop, to: url, quality: 80)
        defer { try? FileManager.default.removeItem(at: url) }
        return [UInt8](try Data(contentsOf: url))
    }

    @Test(arguments: [("png", UInt64(2)), ("jpg", UInt64(3))]) func mutatedPhotos(ext: String, seed: UInt64) throws {
        let dir = try KinemaCLI.scratch("photos\(ext)"); defer { try? FileManager.default.removeItem(at: dir) }
        let original = try Self.smallPhoto(dir, ext: ext)
        let clip = Media.url("rotated90.mp4")
        try Self.fuzz(original, name: "in.\(ext)", count: 5, seed: seed, extraInputs: [clip], in: dir) { f in
            let out = dir.appendingPathComponent("out.mp4").path
            return [
                Case(args: ["detect", f.path, "--annotate", dir.appendingPathComponent("a.png").path], outputs: ["a.png"]),
                Case(args: ["faceswap", "--source", f.path, "--target", clip.path, "-o", out, "--preset", "ultrafast"],
                     outputs: ["out.mp4"]),
                Case(args: ["restyle", clip.path, "-o", out, "--style", "palette", "--style-image", f.path,
                            "--preset", "ultrafast"], outputs: ["out.mp4"]),
            ]
        }
    }

    /// A storyboard with every field, and hostile replacements for its numbers and structure.
    static let storyboard = #"""
        {"duration": 1, "loop": false, "endCamera": {"zoom": 1.1, "panX": 0.1, "panY": 0, "rotation": 2},
         "keyframes": [{"time": 0, "subject": "a woman", "seed": 7, "attributes": {"smile": 1}, "hold": 0.2,
                        "easing": "smoothstep", "camera": {"zoom": 1, "panX": 0, "panY": 0.1, "rotation": 0}},
                       {"time": 0.5, "subject": "a man", "attributes": {"yaw": -1}}]}
        """#

    @Test func mutatedStoryboards() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("story.json")
        var rng = SplitMix64(seed: 4)
        var texts = ["{\"keyframes\": " + String(repeating: "[", count: 100_000) + "}", "", "null", "{\"keyframes\": []}",
                     Self.storyboard.replacingOccurrences(of: "\"panX\": 0.1", with: "\"panX\": 1e300")]
        for _ in 0..<10 { texts.append(Mutator.mutateJSON(Self.storyboard, rng: &rng)) }
        for (i, text) in texts.enumerated() {
            try Data(text.utf8).write(to: file)
            let c = Case(args: ["text2video", "--storyboard", file.path, "-o", dir.appendingPathComponent("t.mp4").path,
                                "--size", "64x64", "--fps", "4", "--seconds", "1"], outputs: ["t.mp4"])
            try Self.check(c, in: dir, inputs: [file], label: "storyboard \(i): \(text.prefix(300))")
        }
    }

    /// A models folder whose `name` is a mutant and whose other files link to the shipped models.
    static func modelsFolder(_ dir: URL) throws -> URL {
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let shipped = Media.root.appendingPathComponent("models")
        for f in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where !f.hasSuffix(".md") {
            try FileManager.default.createSymbolicLink(at: models.appendingPathComponent(f),
                                                       withDestinationURL: shipped.appendingPathComponent(f))
        }
        return models
    }

    @Test(arguments: [("face_detection_short_range.tflite", UInt64(5)), ("face_landmark.tflite", UInt64(6)),
                      ("dcgan-faces-64.safetensors", UInt64(7))])
    func mutatedModels(name: String, seed: UInt64) throws {
        let dir = try KinemaCLI.scratch("models\(seed)"); defer { try? FileManager.default.removeItem(at: dir) }
        let models = try Self.modelsFolder(dir)
        let original = [UInt8](try Data(contentsOf: Media.root.appendingPathComponent("models/\(name)")))
        try FileManager.default.removeItem(at: models.appendingPathComponent(name))
        let env = ["KINEMA_MODELS": models.path]
        let photo = Media.url("astronaut.png")
        let others = try FileManager.default.contentsOfDirectory(atPath: models.path).map { models.appendingPathComponent($0) }
        // Mutate the structure (flatbuffer tables, safetensors header) more often than the weights.
        try Self.fuzz(original, name: name, count: 4, seed: seed, headerBytes: 4096, extraInputs: [photo] + others,
                      in: models) { _ in
            if name.hasSuffix(".safetensors") {
                return [Case(args: ["text2video", "a woman", "-o", models.appendingPathComponent("t.mp4").path,
                                    "--size", "64x64", "--fps", "4", "--seconds", "1"], outputs: ["t.mp4"], environment: env)]
            }
            return [Case(args: ["detect", photo.path, "--json"], environment: env)]
        }
    }
}

/// Deterministic mutations: byte flips, truncation, zeroed or 0xFF runs, duplicated chunks, planted large integers.
enum Mutator {
    static func mutate(_ bytes: [UInt8], rng: inout SplitMix64, focus: Int? = nil) -> [UInt8] {
        var b = bytes
        // Half the spots fall in the first `focus` bytes (headers), the rest anywhere.
        func spot() -> Int {
            let limit = Bool.random(using: &rng) ? min(focus ?? b.count, b.count) : b.count
            return Int.random(in: 0..<max(1, limit), using: &rng)
        }
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            guard b.count > 8 else { break }
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...16, using: &rng) { b[spot()] = UInt8.random(in: 0...255, using: &rng) }
            case 1:
                b.removeSubrange(Int.random(in: 8..<b.count, using: &rng)...)
            case 2:
                let at = spot(), n = min(b.count - at, Int.random(in: 1...64, using: &rng))
                let fill: UInt8 = Bool.random(using: &rng) ? 0xFF : 0
                for i in at..<(at + n) { b[i] = fill }
            case 3:
                let at = spot(), n = min(b.count - at, Int.random(in: 1...256, using: &rng))
                b.insert(contentsOf: b[at..<(at + n)], at: spot())
            default:
                let at = min(spot(), b.count - 4)
                let v: [UInt8] = [[0x7F, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x80, 0, 0, 0], [0, 0, 0, 0]]
                    .randomElement(using: &rng)!
                b.replaceSubrange(at..<(at + 4), with: v)
            }
        }
        return b
    }

    /// Replaces one number of `json` with a hostile one, or drops a character.
    static func mutateJSON(_ json: String, rng: inout SplitMix64) -> String {
        let hostile = ["1e300", "-1e300", "1e-320", "-0", "18446744073709551616", "-1", "99999999999", "\"x\"",
                       "null", "[]", "{}", "4.9e-324", "600.0000001", "1e18"]
        var chars = Array(json)
        let numbers = chars.indices.filter { chars[$0].isNumber && ($0 == 0 || !chars[$0 - 1].isNumber && chars[$0 - 1] != ".") }
        if Int.random(in: 0..<6, using: &rng) == 0 {
            chars.remove(at: Int.random(in: 0..<chars.count, using: &rng))
            return String(chars)
        }
        let at = numbers.randomElement(using: &rng)!
        var end = at
        while end < chars.count, chars[end].isNumber || chars[end] == "." { end += 1 }
        chars.replaceSubrange(at..<end, with: Array(hostile.randomElement(using: &rng)!))
        return String(chars)
    }
}
