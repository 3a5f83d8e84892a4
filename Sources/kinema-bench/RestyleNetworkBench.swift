// kinema-bench restyle --networks [--rounds N]: Kinema's runtime against onnxruntime (2 threads each)
// on the stylisation networks, on the same input: multistyle26 at 640×360 and 1280×720. Rounds are
// interleaved (ours, peer, ours, peer, …); the ratio is the peer's median ÷ ours (> 1: Kinema ahead).
import Foundation
import Imaging
import Neural
import Restyle
import VideoIO

enum RestyleNetworkBench {
    /// The median and fastest of a list of ms.
    static func summary(_ t: [Double]) -> (median: Double, best: Double) {
        let s = t.sorted()
        return (s[s.count / 2], s[0])
    }

    /// The photo resized to w×h as NHWC 0…1 (the same picture the peer feeds).
    static func input(width w: Int, height h: Int) throws -> Tensor {
        let photo = try ImageFile.read(RestyleBench.clip("astronaut.png"))
        let p = RGBPlanes.from(photo)
        let small = RGBPlanes.toBytes(p, width: w, height: h)
        return try Tensor(shape: [1, h, w, 3], data: small.data.map { Float($0) / 255 })
    }

    /// One peer measurement: (median, fastest) ms of `iterations` runs.
    static func peer(model: String, h: Int, w: Int, iterations: Int) throws -> (Double, Double) {
        let p = Process(), pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", RestyleBench.repo.appendingPathComponent("scripts/reference/onnx_peer.py").path,
                       RestyleBench.repo.appendingPathComponent("models/\(model)").path, "2", "\(h)", "\(w)", "\(iterations)"]
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let v = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard p.terminationStatus == 0, v.count == 2 else {
            throw NSError(domain: "onnxruntime peer failed (pip install onnxruntime pillow)", code: 1)
        }
        return (v[0], v[1])
    }

    static func run(rounds: Int) throws {
        let net = try PaintingNetwork()
        var w = [Float](repeating: 0, count: 26)
        w[6] = 1
        let cond = net.conditioning(weights: w), team = ComputeTeam(threads: 2)
        print("networks: Kinema vs onnxruntime, 2 threads each, median ms of interleaved rounds (fastest in brackets)")
        for (width, height, iters) in [(640, 360, 5), (1280, 720, 3)] {
            let x = try input(width: width, height: height)
            _ = try net.run(x, cond, team: team)
            var ours: [Double] = [], peers: [Double] = [], oursBest = Double.infinity, peerBest = Double.infinity
            for _ in 0..<rounds {
                var t: [Double] = []
                for _ in 0..<iters {
                    let s = RestyleBench.now()
                    _ = try net.run(x, cond, team: team)
                    t.append((RestyleBench.now() - s) * 1000)
                }
                let m = summary(t)
                ours.append(m.median); oursBest = min(oursBest, m.best)
                let p = try peer(model: PaintingNetwork.fileName, h: height, w: width, iterations: iters)
                peers.append(p.0); peerBest = min(peerBest, p.1)
            }
            let o = summary(ours).median, p = summary(peers).median
            print(String(format: "multistyle26 %dx%d: Kinema %.1f ms (%.1f), onnxruntime %.1f ms (%.1f), ratio peer/ours %.2f (fastest %.2f)",
                         width, height, o, oursBest, p, peerBest, p / o, peerBest / oursBest))
        }
    }
}
