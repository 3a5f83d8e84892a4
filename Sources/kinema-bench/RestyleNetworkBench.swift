// kinema-bench restyle --networks [--rounds N]: Kinema's runtime against onnxruntime (2 threads each)
// on the stylisation networks, on the same input: multistyle26 at 640×360 and 1280×720, and the
// arbitrary-style transform at 384×384 (the only size its ONNX export accepts). Rounds are
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

    /// Times `body` `iterations` times; (median, fastest) ms.
    static func time(_ iterations: Int, _ body: () throws -> Void) rethrows -> (median: Double, best: Double) {
        var t: [Double] = []
        for _ in 0..<iterations {
            let s = RestyleBench.now()
            try body()
            t.append((RestyleBench.now() - s) * 1000)
        }
        return summary(t)
    }

    /// Interleaved rounds of ours and the peer; prints one line.
    static func compare(_ label: String, model: String, width: Int, height: Int, iterations: Int, rounds: Int,
                        _ ours: () throws -> Void) throws {
        try ours()
        var o: [Double] = [], p: [Double] = [], oBest = Double.infinity, pBest = Double.infinity
        for _ in 0..<rounds {
            let m = try time(iterations, ours)
            o.append(m.median); oBest = min(oBest, m.best)
            let q = try peer(model: model, h: height, w: width, iterations: iterations)
            p.append(q.0); pBest = min(pBest, q.1)
        }
        let om = summary(o).median, pm = summary(p).median
        print(String(format: "%@ %dx%d: Kinema %.1f ms (%.1f), onnxruntime %.1f ms (%.1f), ratio peer/ours %.2f (fastest %.2f)",
                     label, width, height, om, oBest, pm, pBest, pm / om, pBest / oBest))
    }

    static func run(rounds: Int) throws {
        print("networks: Kinema vs onnxruntime, 2 threads each, median ms of interleaved rounds (fastest in brackets)")
        let team = ComputeTeam(threads: 2)
        let arbitrary = try ArbitraryStyleNetwork.shared()
        let content = try input(width: 384, height: 384)
        let style = try Tensor(shape: [1, 1, 1, 100], data: [Float](repeating: 0.1, count: 100))
        try compare("arbitrary transform", model: ArbitraryStyleNetwork.transformFile, width: 384, height: 384,
                    iterations: 5, rounds: rounds) { _ = try arbitrary.stylize(content, style: style, team: team) }
        try paintings(rounds: rounds, team: team)
    }

    static func paintings(rounds: Int, team: ComputeTeam) throws {
        let net = try PaintingNetwork()
        var w = [Float](repeating: 0, count: 26)
        w[6] = 1
        let cond = net.conditioning(weights: w)
        for (width, height, iters) in [(640, 360, 5), (1280, 720, 3)] {
            let x = try input(width: width, height: height)
            try compare("multistyle26", model: PaintingNetwork.fileName, width: width, height: height, iterations: iters,
                        rounds: rounds) { _ = try net.run(x, cond, team: team) }
        }
    }
}
