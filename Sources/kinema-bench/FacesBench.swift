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

    static func medianMs(_ interp: Interpreter, _ x: Tensor, iterations: Int) throws -> Double {
        var times: [Double] = []
        for _ in 0..<iterations {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try interp.run([x])
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        return times[times.count / 2]
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

        func medianMs(iterations: Int) throws -> Double {
            toPeer.fileHandleForWriting.write("\(iterations)\n".data(using: .utf8) ?? Data())
            guard let ms = Double(try readLine()) else { throw BenchError.peer("bad reply from LiteRT peer") }
            return ms
        }

        func close() {
            try? toPeer.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// Swift only, fixed iteration count: a steady workload for callgrind/perf.
    static func profile(only: String?, iterations: Int) throws {
        for c in cases where only == nil || only == c.fixture {
            let interp = try Interpreter(model: TFLiteModel(contentsOf: ModelLocator.url(named: c.model)), threads: 1)
            let x = try input(c, shape: interp.inputShapes[0])
            let ms = try medianMs(interp, x, iterations: iterations)
            print("\(c.label): \(String(format: "%.3f", ms)) ms (Swift, 1 thread)")
        }
    }

    enum BenchError: Error { case peer(String) }

    /// Options: `--swift-only` skips the peer (for profiling); `--only NAME` runs one model (short|full|mesh).
    static func run(arguments: [String]) throws {
        let swiftOnly = arguments.contains("--swift-only")
        let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        let iterations = arguments.firstIndex(of: "--iterations").flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil }
        if swiftOnly { return try profile(only: only, iterations: iterations ?? 20) }
        let rounds = 3
        print("kinema-bench faces: median ms/inference, best of \(rounds) interleaved rounds (Swift vs LiteRT XNNPACK)")
        print("model              threads   Swift ms   LiteRT ms   ratio")
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
                let iterations = c.fixture == "short" ? 200 : 60
                _ = try medianMs(interp, x, iterations: 5)
                var swift = Double.infinity, lite = Double.infinity
                for _ in 0..<rounds {
                    swift = min(swift, try medianMs(interp, x, iterations: iterations))
                    lite = min(lite, try peer.medianMs(iterations: iterations))
                }
                let name = c.label.padding(toLength: 18, withPad: " ", startingAt: 0)
                print(name + String(format: " %7d %10.3f %11.3f %7.2fx", threads, swift, lite, swift / lite))
            }
        }
    }
}
