// kinema-bench restyle --networks [--rounds N]: Kinema's runtime against onnxruntime (2 threads each)
// on the stylisation networks, on the same input: multistyle26 at 640×360 and 1280×720, and the
// arbitrary-style transform at 384×384 (the only size its ONNX export accepts). Rounds are
// interleaved (ours, peer, ours, peer, …); the ratio is the peer's median ÷ ours (> 1: Kinema ahead),
// for wall time and for process CPU time per inference (all threads; the fairer figure when other
// processes load the machine). The load average is printed before and after.
// With KINEMA_BENCH_OPS=1 it first prints a per-step profile of each network (summed over 3 runs).
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

    /// Process CPU seconds (all threads) so far.
    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6
    }

    /// The 1-, 5- and 15-minute load averages.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }

    /// One peer measurement: (median, fastest, CPU per run) ms of `iterations` runs.
    static func peer(model: String, h: Int, w: Int, iterations: Int) throws -> (Double, Double, Double) {
        let p = Process(), pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", RestyleBench.repo.appendingPathComponent("scripts/reference/onnx_peer.py").path,
                       RestyleBench.repo.appendingPathComponent("models/\(model)").path, "2", "\(h)", "\(w)", "\(iterations)"]
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let v = text.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard p.terminationStatus == 0, v.count == 3 else {
            throw NSError(domain: "onnxruntime peer failed (pip install onnxruntime pillow)", code: 1)
        }
        return (v[0], v[1], v[2])
    }

    /// Times `body` `iterations` times; (median, fastest, CPU per run) ms.
    static func time(_ iterations: Int, _ body: () throws -> Void) rethrows -> (median: Double, best: Double, cpu: Double) {
        var t: [Double] = []
        let cpu = cpuSeconds()
        for _ in 0..<iterations {
            let s = RestyleBench.now()
            try body()
            t.append((RestyleBench.now() - s) * 1000)
        }
        let m = summary(t)
        return (m.median, m.best, (cpuSeconds() - cpu) * 1000 / Double(iterations))
    }

    /// Interleaved rounds of ours and the peer; prints one line.
    static func compare(_ label: String, model: String, width: Int, height: Int, iterations: Int, rounds: Int,
                        _ ours: () throws -> Void) throws {
        try ours()
        var o: [Double] = [], p: [Double] = [], oc: [Double] = [], pc: [Double] = []
        var oBest = Double.infinity, pBest = Double.infinity
        for _ in 0..<rounds {
            let m = try time(iterations, ours)
            o.append(m.median); oc.append(m.cpu); oBest = min(oBest, m.best)
            let q = try peer(model: model, h: height, w: width, iterations: iterations)
            p.append(q.0); pc.append(q.2); pBest = min(pBest, q.1)
        }
        let om = summary(o).median, pm = summary(p).median, ocm = summary(oc).median, pcm = summary(pc).median
        print(String(format: "%@ %dx%d: Kinema %.1f ms (%.1f), onnxruntime %.1f ms (%.1f), ratio peer/ours %.2f (fastest %.2f); "
                     + "CPU ms/run %.1f vs %.1f, ratio %.2f; load %@",
                     label, width, height, om, oBest, pm, pBest, pm / om, pBest / oBest, ocm, pcm, pcm / ocm, loadAverage()))
    }

    static func run(rounds: Int) throws {
        print("networks: Kinema vs onnxruntime, 2 threads each, median ms of interleaved rounds (fastest in brackets); load \(loadAverage())")
        let team = ComputeTeam(threads: 2)
        let arbitrary = try ArbitraryStyleNetwork.shared()
        let content = try input(width: 384, height: 384)
        let style = try Tensor(shape: [1, 1, 1, 100], data: [Float](repeating: 0.1, count: 100))
        if ProcessInfo.processInfo.environment["KINEMA_BENCH_OPS"] == "1" { try profile(arbitrary, content, style, team) }
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
            if ProcessInfo.processInfo.environment["KINEMA_BENCH_OPS"] == "1" {
                let acc = Accumulator()
                for _ in 0..<3 { _ = try net.run(x, cond, team: team, profile: acc.add) }
                acc.print("multistyle26 \(width)x\(height)", runs: 3)
            }
            try compare("multistyle26", model: PaintingNetwork.fileName, width: width, height: height, iterations: iters,
                        rounds: rounds) { _ = try net.run(x, cond, team: team) }
        }
    }

    static func profile(_ net: ArbitraryStyleNetwork, _ content: Tensor, _ style: Tensor, _ team: ComputeTeam) throws {
        let acc = Accumulator()
        _ = try net.stylize(content, style: style, team: team)
        for _ in 0..<3 { _ = try net.stylize(content, style: style, team: team, profile: acc.add) }
        acc.print("arbitrary transform 384x384", runs: 3)
    }

    /// Sums step times by label.
    final class Accumulator {
        var total: [String: (seconds: Double, count: Int)] = [:]
        func add(_ label: String, _ seconds: Double) {
            total[label, default: (0, 0)].seconds += seconds
            total[label, default: (0, 0)].count += 1
        }
        func print(_ title: String, runs: Int) {
            let sum = total.values.reduce(0) { $0 + $1.seconds }
            Swift.print("profile \(title): \(String(format: "%.1f", sum * 1000 / Double(runs))) ms per run; load \(loadAverage())")
            for (label, v) in total.sorted(by: { $0.value.seconds > $1.value.seconds }) {
                Swift.print(String(format: "  %8.2f ms  %5.1f%%  %4d×  %@", v.seconds * 1000 / Double(runs), 100 * v.seconds / sum,
                                   v.count / runs, label))
            }
        }
    }
}
