// kinema-bench soak [--minutes M] [--keep]
//
// A long-clip soak: clips/face_audio.mp4 (2.56 s, 256×256, AAC) looped by stream copy to at least M minutes
// (default 10: 235 loops, 601.6 s), then `kinema restyle` and `kinema faceswap` run on it as separate processes, as a user runs them.
// While each runs, its resident memory is sampled from /proc every 250 ms. Pass criteria:
//   - memory flat: the peak over the last 20 % of the run is within 20 % of the peak over 10–20 %
//     (after warm-up), so memory does not grow with clip length;
//   - A/V in sync at the end: the output's audio duration equals its video duration ± 1 frame.
// Needs the release `kinema` beside this binary and `ffmpeg` (only to loop the clip by stream copy).
import Foundation
import VideoIO

enum SoakBench {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    struct Sample { var t: Double; var rssMiB: Double }

    static func run(_ args: [String]) throws {
        var minutes = 10.0, keep = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--minutes" where i + 1 < args.count:
                guard let m = Double(args[i + 1]), m.isFinite, m > 0, m <= 120 else { throw BenchError("--minutes 0...120") }
                minutes = m; i += 1
            case "--keep": keep = true
            default: throw BenchError("unknown option \(args[i])")
            }
            i += 1
        }
        let kinema = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("kinema")
        guard FileManager.default.isExecutableFile(atPath: kinema.path) else { throw BenchError("no kinema beside kinema-bench") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-soak-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: dir) } }

        let source = repo.appendingPathComponent("clips/face_audio.mp4")
        let long = dir.appendingPathComponent("soak.mp4")
        // Whole loops only: cutting with -t would end the streams at different packet boundaries (the input
        // would start out of sync); whole loops of a clip whose audio and video are both 2.56 s stay in sync.
        let loops = Int((minutes * 60 / 2.56).rounded(.up))
        try exec(URL(fileURLWithPath: "/usr/bin/ffmpeg"), ["-v", "error", "-y", "-stream_loop", String(loops - 1), "-i", source.path,
                                                           "-c", "copy", long.path])
        let m = try VideoReader(url: long).metadata
        print(String(format: "soak input: %@ %dx%d, %d frames, video %.2f s, audio %.2f s", long.lastPathComponent,
                     m.width, m.height, m.frameCount, m.duration, m.audioDuration ?? -1))
        fflush(nil)
        var failed = false
        let jobs: [(String, [String])] = [
            ("restyle", ["restyle", long.path, "-o", dir.appendingPathComponent("restyled.mp4").path, "--style", "toon", "--quiet"]),
            ("faceswap", ["faceswap", "--source", repo.appendingPathComponent("clips/astronaut.png").path, "--target", long.path,
                          "-o", dir.appendingPathComponent("swapped.mp4").path, "--quiet"]),
        ]
        for (name, argv) in jobs {
            let start = Date()
            let samples = try runSampled(kinema, argv)
            let seconds = Date().timeIntervalSince(start)
            let out = URL(fileURLWithPath: argv[argv.firstIndex(of: "-o")! + 1])
            let o = try VideoReader(url: out).metadata
            let frame = 1 / o.fps.value
            let drift = abs((o.audioDuration ?? .infinity) - o.duration)
            let (early, late) = windows(samples)
            let growth = early > 0 ? (late - early) / early : .infinity
            let flat = growth < 0.20, synced = drift <= frame + 1e-6
            failed = failed || !flat || !synced
            print(String(format: "%@: %d frames in %.0f s (%.1f fps); RSS peak %.0f MiB at 10-20%%, %.0f MiB in the last 20%% "
                         + "(growth %+.1f%%, limit +20%%) %@; video %.3f s, audio %.3f s (|diff| %.3f s, limit 1 frame = %.3f s) %@",
                         name, o.frameCount, seconds, Double(o.frameCount) / seconds, early, late, growth * 100, flat ? "ok" : "FAIL",
                         o.duration, o.audioDuration ?? -1, drift, frame, synced ? "ok" : "FAIL"))
            fflush(nil)
        }
        if failed { throw BenchError("soak criteria not met") }
    }

    /// Peak RSS over 10–20 % and over 80–100 % of the run's samples.
    static func windows(_ s: [Sample]) -> (Double, Double) {
        guard let end = s.last?.t, end > 0 else { return (0, 0) }
        let early = s.filter { $0.t >= 0.1 * end && $0.t <= 0.2 * end }.map(\.rssMiB).max() ?? 0
        let late = s.filter { $0.t >= 0.8 * end }.map(\.rssMiB).max() ?? 0
        return (early, late)
    }

    /// Runs `kinema argv` and samples its VmRSS every 250 ms until it exits; throws on a non-zero exit.
    static func runSampled(_ exe: URL, _ argv: [String]) throws -> [Sample] {
        let p = Process()
        p.executableURL = exe
        p.arguments = argv
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let start = Date()
        var samples: [Sample] = []
        while p.isRunning {
            if let kb = rssKiB(p.processIdentifier) { samples.append(Sample(t: Date().timeIntervalSince(start), rssMiB: kb / 1024)) }
            usleep(250_000)
        }
        p.waitUntilExit()
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            throw BenchError("kinema \(argv[0]) failed (status \(p.terminationStatus))")
        }
        return samples
    }

    /// VmRSS of a process in KiB, from /proc/PID/status.
    static func rssKiB(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Double(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }

    static func exec(_ exe: URL, _ argv: [String]) throws {
        let p = Process()
        p.executableURL = exe
        p.arguments = argv
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("\(exe.lastPathComponent) failed") }
    }
}
