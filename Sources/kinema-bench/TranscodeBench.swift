// kinema-bench transcode [--preset P] [--crf N] [--rounds N] [--no-rss] [--stages]
//
// 1. Speed: our decode → RGB → encode of clips/bigbuckbunny.mp4 (1280x720, 64 frames) through
//    VideoReader/VideoPipeline/VideoWriter, against the ffmpeg CLI doing the same conversion
//    (`-vf format=rgb24,format=yuv420p`, same preset and CRF, default threads), in the same run.
//    Rounds (default 5) alternate ours/ffmpeg; the best round of each is reported, plus CPU time per
//    frame, which is steadier than wall time on a shared machine.
// 2. Memory: peak RSS of `kinema transcode` on the clip and on the clip looped 4×; streaming means
//    the two stay within 20% of each other.
import Foundation
import VideoIO

enum TranscodeBench {
    static func run(_ args: [String]) -> Int32 {
        var preset = "veryfast", crf = 23, rounds = 5, rss = true, stagesOnly = false
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--preset" where i + 1 < args.count: preset = args[i + 1]; i += 1
            case "--crf" where i + 1 < args.count: crf = Int(args[i + 1]) ?? crf; i += 1
            case "--rounds" where i + 1 < args.count: rounds = max(1, Int(args[i + 1]) ?? rounds); i += 1
            case "--no-rss": rss = false
            case "--stages": stagesOnly = true
            default:
                FileHandle.standardError.write(Data("usage: kinema-bench transcode [--preset P] [--crf N] [--rounds N] [--no-rss] [--stages]\n".utf8))
                return 2
            }
            i += 1
        }
        do {
            if stagesOnly { try stages(preset: preset, crf: crf); return 0 }
            try speed(preset: preset, crf: crf, rounds: rounds)
            if rss { try memory() }
            return 0
        } catch {
            FileHandle.standardError.write(Data("kinema-bench: error: \(error)\n".utf8))
            return 1
        }
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let clip = repo.appendingPathComponent("clips/bigbuckbunny.mp4")

    static func speed(preset: String, crf: Int, rounds: Int) throws {
        let scratch = try makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let frames = try VideoReader(url: clip).metadata.frameCount
        print("transcode: \(clip.lastPathComponent) 1280x720, \(frames) frames, libx264 preset \(preset) crf \(crf)")
        var ours = [Double](), peer = [Double]()
        var ourCPU = 0.0, peerCPU = 0.0
        for _ in 0..<rounds {
            var c = cpuSeconds(RUSAGE_SELF)
            ours.append(try timeOurs(out: scratch.appendingPathComponent("ours.mp4"), preset: preset, crf: crf))
            ourCPU += cpuSeconds(RUSAGE_SELF) - c
            c = cpuSeconds(RUSAGE_CHILDREN)
            peer.append(try timePeer(out: scratch.appendingPathComponent("peer.mp4"), preset: preset, crf: crf))
            peerCPU += cpuSeconds(RUSAGE_CHILDREN) - c
        }
        let ourFps = Double(frames) / ours.min()!, peerFps = Double(frames) / peer.min()!
        print(String(format: "  ours   (VideoReader → RGB → VideoWriter): %6.1f fps", ourFps))
        print(String(format: "  ffmpeg (-vf format=rgb24,format=yuv420p): %6.1f fps", peerFps))
        print(String(format: "  ratio ours/ffmpeg: %.2f (target ≥ 0.85)", ourFps / peerFps))
        // Each round's pair ran back to back under similar load: their ratio is steadier than best-of.
        let pairs = zip(peer, ours).map { $0 / $1 }.sorted()
        print(String(format: "  median of per-round ratios: %.2f (rounds: %@)", pairs[pairs.count / 2],
                     pairs.map { String(format: "%.2f", $0) }.joined(separator: " ")))
        print(String(format: "  CPU per frame (user+sys, mean of rounds): ours %.1f ms, ffmpeg %.1f ms, ratio %.2f",
                     ourCPU / Double(rounds * frames) * 1000, peerCPU / Double(rounds * frames) * 1000,
                     peerCPU / ourCPU))
    }

    /// Diagnostic: decode → RGB alone, and RGB → encode alone (frames held in memory).
    static func stages(preset: String, crf: Int) throws {
        var t = Date()
        let reader = try VideoReader(url: clip)
        var frames: [VideoFrame] = []
        while let f = try reader.nextFrame() { frames.append(f) }
        let decode = Date().timeIntervalSince(t)
        t = Date()
        let scratch = try makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let m = reader.metadata
        try VideoWriter.with(url: scratch.appendingPathComponent("e.mp4"),
                             config: .init(width: m.width, height: m.height, fps: m.fps, crf: crf, preset: preset)) { w in
            for f in frames { try w.write(f.image) }
        }
        let encode = Date().timeIntervalSince(t)
        print(String(format: "stages: decode→RGB %.1f fps, RGB→encode %.1f fps", Double(frames.count) / decode,
                     Double(frames.count) / encode))
    }

    static func timeOurs(out: URL, preset: String, crf: Int) throws -> Double {
        let start = Date()
        let reader = try VideoReader(url: clip)
        let m = reader.metadata
        let writer = try VideoWriter(url: out, config: .init(width: m.width, height: m.height, fps: m.fps,
                                                            crf: crf, preset: preset))
        try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
        return Date().timeIntervalSince(start)
    }

    static func timePeer(out: URL, preset: String, crf: Int) throws -> Double {
        let start = Date()
        let (status, _) = try spawn("/usr/bin/env", ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", clip.path,
                                                     "-an", "-vf", "format=rgb24,format=yuv420p", "-c:v", "libx264",
                                                     "-preset", preset, "-crf", String(crf), out.path])
        guard status == 0 else { throw BenchError("ffmpeg exited with status \(status)") }
        return Date().timeIntervalSince(start)
    }

    static func memory() throws {
        let scratch = try makeScratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let kinema = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("kinema")
        guard FileManager.default.isExecutableFile(atPath: kinema.path) else {
            throw BenchError("\(kinema.path) not found; build the kinema product in the same configuration")
        }
        // The clip looped 4×, written with our own writer (video only, lossless-ish quality).
        let looped = scratch.appendingPathComponent("looped4.mp4")
        let m = try VideoReader(url: clip).metadata
        try VideoWriter.with(url: looped, config: .init(width: m.width, height: m.height, fps: m.fps, crf: 18,
                                                       preset: "ultrafast")) { w in
            for _ in 0..<4 {
                let r = try VideoReader(url: clip)
                while let f = try r.nextFrame() { try w.write(f.image) }
            }
        }
        var peaks: [Int] = []
        for input in [clip, looped] {
            let (status, rssKB) = try spawn(kinema.path, ["transcode", input.path, "-o",
                                                          scratch.appendingPathComponent("o.mp4").path,
                                                          "--preset", "ultrafast", "--quiet"])
            guard status == 0 else { throw BenchError("kinema transcode exited with status \(status)") }
            peaks.append(rssKB)
        }
        let diff = Double(abs(peaks[1] - peaks[0])) / Double(peaks[0]) * 100
        print("memory: peak RSS of `kinema transcode` (ultrafast)")
        print(String(format: "  clip (%d frames):       %7.1f MiB", m.frameCount, Double(peaks[0]) / 1024))
        print(String(format: "  clip looped 4× (%d):   %7.1f MiB", m.frameCount * 4, Double(peaks[1]) / 1024))
        print(String(format: "  difference: %.1f%% (target < 20%%)", diff))
    }

    /// Runs a program with stdout discarded, returning its exit status and peak resident set size in KiB.
    ///
    /// The peak is the child's own VmHWM, polled from /proc every 2 ms until it exits. (wait4's
    /// ru_maxrss is unusable here: posix_spawn's vfork-style exec folds the parent's high-water mark
    /// into the child's.)
    static func spawn(_ path: String, _ args: [String]) throws -> (Int32, Int) {
        var pid: pid_t = 0
        let argv = ([path] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchError("cannot start \(path): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var peak = 0
        while true {
            if let hwm = vmHWM(pid) { peak = max(peak, hwm) }
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 && errno != EINTR { throw BenchError("waitpid failed") }
            usleep(2000)
        }
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), peak)
    }

    /// VmHWM (peak RSS, KiB) of a running process.
    static func vmHWM(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// User + system CPU seconds of this process or of its waited-for children.
    static func cpuSeconds(_ who: __rusage_who) -> Double {
        let who = __rusage_who_t(who.rawValue)
        var u = rusage()
        getrusage(who, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static func makeScratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-bench-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
