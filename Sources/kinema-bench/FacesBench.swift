// `kinema-bench faces`: the Swift runtime against LiteRT (XNNPACK, via scripts/reference/litert_peer.py)
// on the same real input and thread count, 1 and 2 threads, for the three face models.
import Foundation
import Neural

enum FacesBench {
    struct Case {
        let label: String
        let model: String
        let fixture: String
    }

    static let cases = [
        Case(label: "BlazeFace short", model: "face_detection_short_range.tflite", fixture: "short"),
        Case(label: "BlazeFace full", model: "face_detection_full_range.tflite", fixture: "full"),
        Case(label: "FaceMesh", model: "face_landmark.tflite", fixture: "mesh"),
    ]

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The fixture's real uint8 crop, scaled as the faces code scales it.
    static func input(_ c: Case, shape: [Int]) throws -> Tensor {
        let dir = repoRoot.appendingPathComponent("Tests/NeuralTests/Fixtures/tflite")
        let u8 = [UInt8](try Data(contentsOf: dir.appendingPathComponent("\(c.fixture)_input_u8.bin")))
        let values = c.fixture == "mesh" ? u8.map { Float($0) / 255 } : u8.map { Float($0) / 127.5 - 1 }
        return try Tensor(shape: shape, data: values)
    }

    /// Median and minimum milliseconds per inference over `iterations` runs.
    static func timeMs(_ interp: Interpreter, _ x: Tensor, iterations: Int) throws -> (median: Double, min: Double) {
        var times: [Double] = []
        for _ in 0..<iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try interp.run([x])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        return (times[times.count / 2], times[0])
    }

    /// A running LiteRT peer process for one model and thread count.
    final class Peer {
        let process = Process()
        let toPeer = Pipe(), fromPeer = Pipe()
        var buffer = Data()

        init(model: URL, threads: Int, input: URL) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", repoRoot.appendingPathComponent("scripts/reference/litert_peer.py").path,
                                 model.path, String(threads), input.path]
            process.standardInput = toPeer
            process.standardOutput = fromPeer
            process.standardError = FileHandle.nullDevice
            try process.run()
            guard try readLine() == "ready" else { throw BenchError.peer("LiteRT peer did not start") }
        }

        func readLine() throws -> String {
            while true {
                if let nl = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer = Data(buffer[(nl + 1)...])
                    return line
                }
                let chunk = fromPeer.fileHandleForReading.availableData
                if chunk.isEmpty { throw BenchError.peer("LiteRT peer exited (is ai-edge-litert installed?)") }
                buffer.append(chunk)
            }
        }

        func timeMs(iterations: Int) throws -> (median: Double, min: Double) {
            toPeer.fileHandleForWriting.write("\(iterations)\n".data(using: .utf8) ?? Data())
            let parts = try readLine().split(separator: " ").compactMap { Double($0) }
            guard parts.count == 2 else { throw BenchError.peer("bad reply from LiteRT peer") }
            return (parts[0], parts[1])
        }

        func close() {
            try? toPeer.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// Swift only, fixed iteration count: a steady workload for callgrind/perf.
    /// Also prints process CPU ms per inference (all threads; with 2 threads it includes the worker's spinning).
    static func profile(only: String?, iterations: Int, threads: Int, showOps: Bool) throws {
        for c in cases where only == nil || only == c.fixture {
            let interp = try Interpreter(model: TFLiteModel(contentsOf: ModelLocator.url(named: c.model)), threads: threads)
            let x = try input(c, shape: interp.inputShapes[0])
            _ = try timeMs(interp, x, iterations: 3)
            let cpu0 = cpuSeconds()
            let t = try timeMs(interp, x, iterations: iterations)
            let cpu = (cpuSeconds() - cpu0) * 1000 / Double(iterations)
            if showOps {
                let ops = try interp.profileOps([x], iterations: iterations)
                var byLabel: [String: (mean: Double, min: Double, count: Int)] = [:]
                for op in ops {
                    let v = byLabel[op.label] ?? (0, 0, 0)
                    byLabel[op.label] = (v.mean + op.microseconds, v.min + op.minMicroseconds, v.count + 1)
                }
                print("  mean µs    min µs  count  op (same-shape ops summed)")
                for (label, v) in byLabel.sorted(by: { $0.value.mean > $1.value.mean }) {
                    print(String(format: "  %8.1f  %8.1f  %3d×  ", v.mean, v.min, v.count) + label)
                }
                print(String(format: "  %8.1f  %8.1f  total", ops.reduce(0) { $0 + $1.microseconds },
                             ops.reduce(0) { $0 + $1.minMicroseconds }))
            }
            print("\(c.label): median \(String(format: "%.3f", t.median)) ms, min \(String(format: "%.3f", t.min)) ms, "
                  + "CPU \(String(format: "%.3f", cpu)) ms (Swift, \(threads) thread\(threads == 1 ? "" : "s"))")
        }
    }

    /// Process CPU time (user + system, all threads) in seconds.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    enum BenchError: Error { case peer(String) }

    /// Options: `--swift-only` skips the peer (for profiling; `--threads N`, `--iterations N`,
    /// `--ops` for per-op times);
    /// `--only NAME` runs one model (short|full|mesh).
    static func run(arguments: [String]) throws {
        let swiftOnly = arguments.contains("--swift-only")
        let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        let iterations = arguments.firstIndex(of: "--iterations").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
        let threads = arguments.firstIndex(of: "--threads").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
        if swiftOnly { return try profile(only: only, iterations: iterations ?? 20, threads: threads ?? 1,
                                          showOps: arguments.contains("--ops")) }
        let rounds = 3
        print("kinema-bench faces: ms/inference, Swift runtime vs LiteRT \(peerVersion()) (XNNPACK) on the same input")
        print("med = best of \(rounds) interleaved rounds' medians; min = fastest single inference (least disturbed by load)")
        print("model            threads  Swift med  LiteRT med  ratio  |  Swift min  LiteRT min  ratio")
        for c in cases where only == nil || only == c.fixture {
            let modelURL = try ModelLocator.url(named: c.model)
            let model = try TFLiteModel(contentsOf: modelURL)
            for threads in [1, 2] {
                let interp = try Interpreter(model: model, threads: threads)
                let x = try input(c, shape: interp.inputShapes[0])
                let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-bench-\(getpid())-\(c.fixture).f32")
                try x.data.withUnsafeBytes { try Data($0).write(to: tmp) }
                defer { try? FileManager.default.removeItem(at: tmp) }
                let peer = try Peer(model: modelURL, threads: threads, input: tmp)
                defer { peer.close() }
                let iterations = c.fixture == "full" ? 60 : 150
                _ = try timeMs(interp, x, iterations: 5)
                var swift = (median: Double.infinity, min: Double.infinity), lite = swift
                for _ in 0..<rounds {
                    let s = try timeMs(interp, x, iterations: iterations)
                    let l = try peer.timeMs(iterations: iterations)
                    swift = (min(swift.median, s.median), min(swift.min, s.min))
                    lite = (min(lite.median, l.median), min(lite.min, l.min))
                }
                let name = c.label.padding(toLength: 16, withPad: " ", startingAt: 0)
                print(name + String(format: " %7d %10.3f %11.3f %6.2fx | %10.3f %11.3f %6.2fx", threads,
                                    swift.median, lite.median, swift.median / lite.median,
                                    swift.min, lite.min, swift.min / lite.min))
            }
        }
    }

    /// The installed ai-edge-litert version, for the report header.
    static func peerVersion() -> String {
        let p = Process()
        let out = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import importlib.metadata as m; print(m.version('ai-edge-litert'))"]
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "?" }
        p.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
