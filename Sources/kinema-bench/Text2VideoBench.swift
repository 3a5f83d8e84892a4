import Foundation
import Generation
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
