// kinema-bench faceswap --identity: how much the swapped face looks like the source person, judged by an
// independent recogniser (dlib's ResNet, through scripts/faceswap-identity; dev measurement only).
// Pairs: real source photos from clips/ onto clips/face.mp4 as it is and degraded (176×144, side-lit),
// plus any `--identity-source PHOTO --identity-target CLIP` given (repeatable, paired in order).
import Faces
import Foundation
import Imaging
import VideoIO

enum FaceswapIdentityBench {
    /// face.mp4 cropped to 11:9, scaled to 176×144 and lit from the right (0.35× → 1.25×), as the
    /// in-car clip of issue 12 was.
    static func makeSmallSideLit(to url: URL) throws {
        let reader = try VideoReader(url: FaceswapBench.repo.appendingPathComponent("clips/face.mp4"))
        var cfg = VideoWriterConfig(width: 176, height: 144, fps: reader.metadata.fps, crf: 18, preset: "veryfast")
        cfg.tags = ["comment": "kinema-bench identity input"]
        let w = try VideoWriter(url: url, config: cfg)
        while let f = try reader.nextFrame() {
            let ch = f.image.width * 144 / 176
            var g = f.image.cropped(x: 0, y: (f.image.height - ch) / 2, width: f.image.width, height: ch)
                .resized(width: 176, height: 144, filter: .area)
            for y in 0..<144 { for x in 0..<176 {
                let k = 0.35 + 0.9 * Float(x) / 175
                for c in 0..<3 { let o = (y * 176 + x) * 3 + c; g.data[o] = UInt8(min(255, Float(g.data[o]) * k + 0.5)) }
            } }
            try w.write(g)
        }
        try w.finish()
    }

    struct Judgement: Decodable {
        var meanToSource: Double?
        var meanToTarget: Double?
        var nearerSourceCount: Int
        var sampled: Int
        var found: Int
    }

    /// Runs scripts/faceswap-identity on one swap.
    static func judge(sources: [URL], target: URL, output: URL) throws -> Judgement {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", FaceswapBench.repo.appendingPathComponent("scripts/faceswap-identity").path, "measure",
                       "--target", target.path, "--output", output.path, "--samples", "8", "--json"]
            + sources.flatMap { ["--source", $0.path] }
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw FaceSwapError.io("scripts/faceswap-identity failed (needs libdlib-dev, g++, ffmpeg)") }
        return try JSONDecoder().decode(Judgement.self, from: data)
    }

    static func run(_ args: [String], dir: URL) throws {
        let clips = FaceswapBench.repo.appendingPathComponent("clips")
        let small = dir.appendingPathComponent("face-176x144-sidelit.mp4")
        try makeSmallSideLit(to: small)
        var pairs: [(String, [URL], URL)] = []
        for src in ["john-shimkus-1.png", "john-salley-1.png", "breakingbad-left.png"] {
            for (name, tgt) in [("face.mp4", clips.appendingPathComponent("face.mp4")), ("176x144 side-lit", small)] {
                pairs.append(("\(src) -> \(name)", [clips.appendingPathComponent(src)], tgt))
            }
        }
        // User pairs: --identity-source A [--identity-source A2 ...] --identity-target T (sources gathered until a target).
        var pendingSources: [URL] = []
        var i = 0
        while i < args.count - 1 {
            if args[i] == "--identity-source" { pendingSources.append(URL(fileURLWithPath: args[i + 1])); i += 2; continue }
            if args[i] == "--identity-target" {
                let t = URL(fileURLWithPath: args[i + 1])
                pairs.append(("\(pendingSources.map(\.lastPathComponent).joined(separator: "+")) -> \(t.lastPathComponent)", pendingSources, t))
                pendingSources = []; i += 2; continue
            }
            i += 1
        }
        let mesh = try MeshFaceSource()
        var means: [Double] = []
        print("identity (dlib ResNet distance; < 0.6 = same person; goal: mean to source <= 0.55, nearer the source on every sampled frame)")
        for (k, (name, sources, target)) in pairs.enumerated() {
            let faces = try sources.map { try SourceFace.detect(in: ImageFile.read($0), using: mesh) }
            let still = FaceSwapPipeline.isStillImage(target)
            let out = dir.appendingPathComponent("identity-\(k)." + (still ? "png" : "mp4"))
            if still {
                try FaceSwapPipeline.swapStill(sources: faces, landmarks: mesh, target: target, output: out,
                                               config: FaceSwapConfig(), version: "bench")
            } else {
                let meta = try VideoReader(url: target).metadata
                try FaceSwapPipeline.run(sources: faces, landmarks: mesh, target: target, output: out, config: FaceSwapConfig(),
                                         version: "bench", encoder: FaceswapBench.encoder(meta))
            }
            let j = try judge(sources: sources, target: target, output: out)
            guard let ms = j.meanToSource else { print("  \(name): dlib found no face in the output"); continue }
            means.append(ms)
            print(String(format: "  %@: to source %.3f, to target %.3f, nearer the source in %d/%d sampled frames (%d with a face)",
                         name, ms, j.meanToTarget ?? .nan, j.nearerSourceCount, j.sampled, j.found))
        }
        if !means.isEmpty {
            print(String(format: "  mean over %d pairs: %.3f", means.count, means.reduce(0, +) / Double(means.count)))
        }
    }
}
