import Diffusion
import Foundation
import Neural

/// `kinema-bench diffusion [--sizes 512,256] [--threads 2] [--python PATH] [--dir DIR] [--swift-only]`:
/// one SD-1.5 UNet call (batch 2, as classifier-free guidance runs it) and one VAE decode per size, on
/// random fp16 weights the PyTorch peer makes locally (never committed), against PyTorch on the CPU with
/// the same shapes and threads in the same run. Ratios are peer time ÷ ours (> 1: Kinema is faster).
enum DiffusionBench {
    static func run(_ args: [String]) throws {
        func value(_ flag: String) -> String? { args.firstIndex(of: flag).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } }
        let sizes = (value("--sizes") ?? "512,256").split(separator: ",").compactMap { Int($0) }
        let threads = Int(value("--threads") ?? "2") ?? 2
        let python = value("--python") ?? "python3"
        let dir = value("--dir") ?? FacesBench.repoRoot.appendingPathComponent(".build/kinema-bench-diffusion").path
        let script = FacesBench.repoRoot.appendingPathComponent("scripts/reference/diffusion_peer.py").path
        let swiftOnly = args.contains("--swift-only")
        if args.contains("--kernels") { return kernels(threads: threads) }
        print("diffusion benchmark: SD-1.5 architecture, random fp16 weights in \(dir), \(threads) threads, load average \(loadAverage())")

        var peer: [String: Any] = [:]
        let peerArgs = ["--dir", dir, "--sizes", sizes.map(String.init).joined(separator: ","), "--threads", "\(threads)"]
        let output = try runPython(python, [script] + peerArgs + (swiftOnly ? ["--prepare-only"] : []))
        if !swiftOnly, let line = output.split(separator: "\n").last,
           let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
            peer = obj
        }

        let unetFile = try SafeTensors(contentsOf: URL(fileURLWithPath: dir + "/unet.safetensors"))
        let vaeFile = try SafeTensors(contentsOf: URL(fileURLWithPath: dir + "/vae.safetensors"))
        let unetConfig = try JSONDecoder().decode(UNetConfig.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/unet.json")))
        let vaeConfig = try JSONDecoder().decode(VAEConfig.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/vae.json")))
        let pool = ComputeThreads(threads: threads)
        let unet = try UNet2DCondition(config: unetConfig, weights: SafeTensorsWeights([unetFile]), threads: pool)
        let vae = try AutoencoderKL(config: vaeConfig, weights: SafeTensorsWeights([vaeFile]), threads: pool, parts: [.decoder])
        var rng = SystemRandomNumberGenerator()
        func noise(_ shape: [Int]) -> Tensor {
            var t = Tensor(shape: shape)
            for i in 0..<t.count { t.data[i] = Float.random(in: -1...1, using: &rng) }
            return t
        }
        for size in sizes {
            let lat = size / 8
            let sample = noise([2, 4, lat, lat]), ctx = noise([2, 77, 768])
            let tU = try time { _ = try unet(sample, timestep: 500, encoderHiddenStates: ctx) }
            let cU = lastCPU
            let z = noise([1, 4, lat, lat])
            let tV = try time { _ = try vae.decode(z) }
            let cV = lastCPU
            for (label, ours, cpu, key) in [("UNet call, batch 2", tU, cU, "unet\(size)"), ("VAE decode", tV, cV, "vae\(size)")] {
                let theirs = peer[key] as? Double
                let ratio = theirs.map { String(format: "%.2f", $0 / ours) } ?? "-"
                let peerText = theirs.map { String(format: "%.2f s", $0) } ?? "-"
                let peerCPU = (peer[key + "_cpu"] as? Double).map { String(format: "%.2f s", $0) } ?? "-"
                let cpuRatio = (peer[key + "_cpu"] as? Double).map { String(format: "%.2f", $0 / cpu) } ?? "-"
                print(String(format: "%4d² %-19@ Kinema %6.2f s (CPU %6.2f s)   PyTorch %@ (CPU %@)   ratio %@ (CPU time %@)",
                             size, label as NSString, ours, cpu, peerText as NSString, peerCPU as NSString,
                             ratio as NSString, cpuRatio as NSString))
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peerRSS = (peer["peak_rss_mb"] as? Double).map { String(format: "%.0f MB", $0) } ?? "-"
        print(String(format: "peak RSS: Kinema %.0f MB (UNet + VAE decoder, fp16 weights mapped), PyTorch %@ (float32 models)",
                     Double(usage.ru_maxrss) / 1024, peerRSS as NSString))
        if let v = peer["torch"] as? String { print("peer: torch \(v)") }
    }

    /// `--kernels`: the UNet's most common 3×3 conv (320 → 320 channels at 64×64, batch 2) by implicit-im2col
    /// GEMM and by Winograd F(2, 3), in direct-conv GFLOP/s of process CPU time (median of 5).
    static func kernels(threads: Int) {
        let pool = ComputeThreads(threads: threads)
        let shape = DenseKernels.ConvShape(channels: 320, height: 64, width: 64, outChannels: 320, kernel: 3, padding: 1)
        let x = [Float](repeating: 0.5, count: 2 * 320 * 64 * 64), w = [Float](repeating: 0.01, count: 320 * 320 * 9)
        var y = [Float](repeating: 0, count: x.count)
        let flops = 2.0 * 2 * 320 * 320 * 9 * 64 * 64
        for winograd in [false, true] {
            var cpu = [Double](), wall = [Double]()
            for _ in 0..<5 {
                wall.append(time {
                    DenseKernels.conv2d(shape, batch: 2, input: x, weight: w, output: &y, accumulate: false, threads: pool, winograd: winograd)
                })
                cpu.append(lastCPU)
            }
            print(String(format: "conv 3×3 320→320 64×64 ×2, %@: %.1f GFLOP/s per CPU-second, %.1f GFLOP/s wall (%d threads)",
                         (winograd ? "Winograd F(2,3)" : "im2col GEMM") as NSString, flops / cpu.sorted()[2] / 1e9,
                         flops / wall.sorted()[2] / 1e9, threads))
        }
    }

    /// Wall seconds of `body`; also records its process CPU seconds in `lastCPU` (steadier under load).
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let cpu0 = cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
        try body()
        lastCPU = cpuSeconds() - cpu0
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    nonisolated(unsafe) static var lastCPU = 0.0

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    static func runPython(_ python: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw DiffusionError.badOption("the PyTorch peer (\(python) \(arguments.first ?? "")) failed; it needs torch and diffusers (--python PATH)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
