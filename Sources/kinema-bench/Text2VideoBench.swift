import Foundation
import Faces
import Generation
import Imaging
import Neural

/// `kinema-bench text2video [--frames N] [--batch B] [--no-peer] [--no-video]`: DCGAN throughput at 64×64
/// (batched, both cores), the numpy reference forward pass as peer in the same run, and the end-to-end
/// time of a 4 s 512×512 24 fps MP4.
enum Text2VideoBench {
    static func run(_ args: [String]) throws {
        reexecForSpeedIfNeeded()
        BLASCore.useOwnParallelism()
        print("OpenBLAS kernels: \(BLASCore.current)")
        func opt(_ name: String, _ def: Int) -> Int {
            if let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) { return v }
            return def
        }
        if args.contains("--fit-directions") { try FitDirections.run(args); return }
        let frames = opt("--frames", 480), batch = opt("--batch", 32)
        var g = try DCGANFaceGenerator(contentsOf: GeneratorRegistry.locate("dcgan-faces-64.safetensors"))
        g.maxBatch = batch
        var rng = SplitMix64(seed: 1)
        let z = rng.normalVector(count: frames * g.latentSize)
        _ = g.decodeRaw(Array(z.prefix(batch * g.latentSize)), count: batch)  // warm up
        if args.contains("--layers") { layers(g, batch: batch) }
        var best = Double.infinity
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = g.decodeRaw(z, count: frames)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let fps = Double(frames) / best
        print(String(format: "text2video generator: %.1f frames/s at 64x64 (batch %d, %d frames, best of 3, %.2f ms/frame)",
                     fps, batch, frames, 1000 / fps))
        if !args.contains("--no-peer") {
            if let ms = numpyReferenceMsPerFrame(frames: max(frames / 2, batch), batch: batch) {
                print(String(format: "numpy reference forward pass: %.2f ms/frame (%.1f frames/s)", ms, 1000 / ms))
                print(String(format: "ratio (Kinema / numpy throughput): %.2fx", fps * ms / 1000))
            } else {
                print("numpy reference forward pass: unavailable (python3 with numpy not found)")
            }
        }
        if !args.contains("--no-video") { try endToEnd() }
    }

    /// End-to-end: prompt → labelled 4 s 512×512 24 fps MP4, including model load.
    static func endToEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-bench-t2v-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var best = Double.infinity
        var last: Text2VideoResult?
        for run in 0..<2 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            var cfg = Text2VideoConfig()
            cfg.seconds = 4
            let plan = try Text2Video.plan(prompt: "a young woman then she smiles -> turns to the left, zoom in", config: cfg)
            let g = try GeneratorRegistry.load(GeneratorRegistry.defaultModel)
            let dirs = AttributeDirections.shipped(for: g.name, latentSize: g.latentSize)
            let job = Text2VideoJob(plan: plan, output: dir.appendingPathComponent("run\(run).mp4"), version: "bench")
            last = try job.run(generator: g, directions: dirs)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        print(String(format: "end-to-end 4 s 512x512 24 fps MP4 (%d frames, model load + render + x264 encode): %.2f s (best of 2; target < 4 s)",
                     last?.frames ?? 0, best))
    }

    /// Per-layer timing (`--layers`).
    static func layers(_ g: DCGANFaceGenerator, batch b: Int) {
        var h = 1, w = 1
        var x = [Float](repeating: 0.1, count: b * 100)
        for (i, l) in g.layers.enumerated() {
            let (oh, ow) = l.outputSize(height: h, width: w)
            var out = [Float](repeating: 0, count: b * oh * ow * l.outChannels)
            var scratch = [Float](repeating: 0, count: l.scratchCount(batch: b, height: h, width: w))
            var best = Double.infinity
            for _ in 0..<10 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in scratch.withUnsafeMutableBufferPointer { sp in
                    l.forward(input: xp.baseAddress!, batch: b, height: h, width: w, output: op.baseAddress!, scratch: sp.baseAddress!, activation: .relu)
                } } }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            print(String(format: "layer %d: %.3f ms per batch of %d (%.3f ms/frame)", i, best, b, best / Double(b)))
            x = out; h = oh; w = ow
        }
    }

    /// Runs `scripts/reference-dcgan.py bench` and parses its ms/frame.
    static func numpyReferenceMsPerFrame(frames: Int, batch: Int) -> Double? {
        guard let model = try? GeneratorRegistry.locate("dcgan-faces-64.safetensors") else { return nil }
        let script = model.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/reference-dcgan.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, "bench", String(frames), String(batch)]
        // The peer's own OpenBLAS (numpy's wheel) detects this CPU correctly; do not pass ours on.
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_CORETYPE"] = nil
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        do { try p.run() } catch { return nil }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0, let line = out.split(separator: "\n").first(where: { $0.hasPrefix("ms_per_frame") }) else { return nil }
        return Double(line.split(separator: " ").last ?? "")
    }
}

/// Re-executes this process with `OPENBLAS_CORETYPE` set when OpenBLAS picked slow kernels
/// (see `BLASCore`); returns normally when no re-exec is needed or it fails.
func reexecForSpeedIfNeeded() {
    guard let core = BLASCore.recommendedCoreType() else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", argv)
}

/// `kinema-bench text2video --fit-directions [--samples N] [--out FILE]` (run by `scripts/fit-directions`):
/// samples latents, decodes them, measures the face attributes with Kinema's FaceMesh, fits one ridge
/// direction per attribute, and writes `models/directions-dcgan-faces-64.json` with fit statistics.
enum FitDirections {
    /// Decodes latents and measures attributes on a 256×256 upscale (nil where no face is found).
    static func measure(_ g: DCGANFaceGenerator, _ zs: [[Float]], detector: FaceDetector, landmarker: FaceLandmarker) throws -> [[Float]?] {
        let imgs = try g.decode(zs)
        var up = FrameUpscaler(inWidth: 64, inHeight: 64, width: 256, height: 256)
        up.sharpenAmount = 0
        return try imgs.map { im in
            let big = im.data.withUnsafeBufferPointer { up.render($0, camera: .identity) }
            guard let det = try detector.detect(big).max(by: { $0.score < $1.score }),
                  let lm = try landmarker.landmarks(in: big, detection: det), lm.score > 0.5 else { return nil }
            return FaceAttributeMeasure.measure(points: lm.points, image: Image(big))
        }
    }

    static func run(_ args: [String]) throws {
        func opt(_ name: String) -> String? { args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } }
        let samples = Int(opt("--samples") ?? "") ?? 3000
        let out = URL(fileURLWithPath: opt("--out") ?? "models/directions-dcgan-faces-64.json")
        let g = try DCGANFaceGenerator(contentsOf: GeneratorRegistry.locate("dcgan-faces-64.safetensors"))
        let detector = try FaceDetector(range: .short)
        let landmarker = try FaceLandmarker()
        var rng = SplitMix64(seed: 0xD1EC_7105)
        var zs: [[Float]] = [], ys: [[Float]] = []
        var tried = 0
        while tried < samples {
            let n = min(64, samples - tried)
            let batch = (0..<n).map { _ in rng.normalVector(count: 100) }
            for (z, m) in zip(batch, try measure(g, batch, detector: detector, landmarker: landmarker)) {
                if let m { zs.append(z); ys.append(m) }
            }
            tried += n
            FileHandle.standardError.write(Data("\rfit-directions: \(tried)/\(samples) sampled, \(zs.count) faces".utf8))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        let split = zs.count * 4 / 5
        var dirs: [String: AttributeDirections.Direction] = [:]
        for (ai, attr) in FaceAttribute.allCases.enumerated() {
            let y = ys.map { Double($0[ai]) }
            let fit = try RidgeFit(z: Array(zs[..<split]), y: Array(y[..<split]), lambda: 10)
            let held = Array(split..<zs.count)
            let hy = held.map { y[$0] }, hm = hy.reduce(0, +) / Double(max(1, hy.count))
            var ssr = 0.0, sst = 0.0
            for i in held { let p = fit.predict(zs[i]); ssr += (y[i] - p) * (y[i] - p); sst += (y[i] - hm) * (y[i] - hm) }
            let mean = y.reduce(0, +) / Double(y.count)
            let std = (y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(y.count)).squareRoot()
            // One storyboard unit moves the predicted attribute by two standard deviations, capped to a latent distance of 4.
            let step = min(4, 2 * std / fit.slope)
            let r2Held: Double = sst > 0 ? 1 - ssr / sst : 0
            var stats: [String: Double] = [:]
            stats["samples"] = Double(tried); stats["faces"] = Double(zs.count); stats["train"] = Double(split)
            stats["heldOut"] = Double(held.count); stats["r2Train"] = fit.r2Train; stats["r2HeldOut"] = r2Held
            stats["mean"] = mean; stats["std"] = std; stats["slopePerLatentUnit"] = fit.slope; stats["ridgeLambda"] = 10
            dirs[attr.rawValue] = AttributeDirections.Direction(vector: fit.direction, step: Float(step),
                                                                measure: FaceAttributeMeasure.descriptions[attr], stats: stats)
            print(String(format: "%-11@ R² train %.3f held-out %.3f, std %.4f, step %.2f", attr.rawValue, fit.r2Train, r2Held, std, step))
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try enc.encode(AttributeDirections(model: g.name, attributes: dirs)).write(to: out, options: .atomic)
        print("wrote \(out.path)")
    }
}
