// kinema-bench restyle [--preset P] [--no-rss] [--style S] [--networks]
//
// 1. Throughput: `anime` with temporal coherence on clips/bigbuckbunny.mp4 (1280x720, 64 frames)
//    through RestylePipeline (decode, stylise, encode overlapping), against a plain transcode of the
//    same clip through VideoPipeline with the same encoder settings, in the same run. Target ≥ 12 fps.
// 2. Flow: DIS ms/frame on consecutive 640x360 frames for each preset (wall and process CPU time).
//    Target ≤ 15 ms for `fast`.
// 3. Memory: peak RSS after restyling bikes.mp4 once and then a 3× longer loop of it, in one process;
//    streaming means the peak does not grow with length.
import Foundation
import Flow
import Imaging
import Restyle
import VideoIO

enum RestyleBench {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func clip(_ name: String) -> URL { repo.appendingPathComponent("clips").appendingPathComponent(name) }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Process CPU time in ms (all threads), steadier than wall time on a shared machine.
    static func cpuMs() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
    }

    static func peakRSSMiB() -> Double {
        var u = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Double(u.ru_maxrss) / 1024
    }

    static func run(_ args: [String]) -> Int32 {
        var preset = "veryfast", rss = true, flowTiming = true, engineOnly = false, stageFrames = 16
        var networks = false, rounds = 3, style = "anime"
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--preset" where i + 1 < args.count: preset = args[i + 1]; i += 1
            case "--no-rss": rss = false
            case "--no-flow": flowTiming = false
            case "--stage": engineOnly = true
            case "--stage-frames" where i + 1 < args.count: stageFrames = Int(args[i + 1]) ?? 16; i += 1
            case "--networks": networks = true
            case "--style" where i + 1 < args.count: style = args[i + 1]; i += 1
            case "--rounds" where i + 1 < args.count: rounds = max(1, Int(args[i + 1]) ?? 3); i += 1
            default:
                FileHandle.standardError.write(Data("usage: kinema-bench restyle [--preset P] [--no-rss] [--no-flow] [--stage [--stage-frames N]] [--style S] [--networks [--rounds N]]\n".utf8))
                return 2
            }
            i += 1
        }
        do {
            if engineOnly { try stage(frames: stageFrames); return 0 }
            if networks { try RestyleNetworkBench.run(rounds: rounds); return 0 }
            print("restyle benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores, libx264 preset \(preset)")
            try throughput(preset: preset, style: style)
            if flowTiming { try flow() }
            if rss { try memory() }
            return 0
        } catch {
            FileHandle.standardError.write(Data("kinema-bench: error: \(error)\n".utf8))
            return 1
        }
    }

    static func scratch() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-bench-restyle-\(getpid())")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// `--style` value: a look name or painting:K; `neural` takes clips/coffee.png as its style picture.
    static func settings(_ style: String) throws -> StyleSettings {
        let spec = try StyleSpec(parsing: style)
        var s = StyleSettings(style: spec.style)
        s.paintingWeights = spec.paintingWeights
        if spec.style == .neural { s.styleImage = try RestylePipeline.loadStyleImage(clip("coffee.png")) }
        return s
    }

    static func throughput(preset: String, style: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = clip("bigbuckbunny.mp4")
        let cfg: (VideoMetadata) -> VideoWriterConfig = { m in
            VideoWriterConfig(width: m.width, height: m.height, fps: m.fps, preset: preset)
        }
        // Plain transcode through the same reader/pipeline/writer.
        var t = now(), c = cpuMs()
        let reader = try VideoReader(url: input)
        let m = reader.metadata
        let writer = try VideoWriter(url: dir.appendingPathComponent("plain.mp4"), config: cfg(m))
        let plain = try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
        let plainFps = Double(plain.frames) / (now() - t), plainCPU = (cpuMs() - c) / Double(plain.frames)
        t = now(); c = cpuMs()
        let look = try settings(style)
        let s = try RestylePipeline.run(input: input, output: dir.appendingPathComponent("restyled.mp4"),
                                        settings: look, coherence: CoherenceParameters(), makeConfig: cfg)
        let fps = Double(s.frames) / (now() - t), cpu = (cpuMs() - c) / Double(s.frames)
        let learned = look.style == .painting || look.style == .neural
        print(String(format: "restyle %@ + coherence %dx%d (%d frames): %.1f fps (target >= %d), CPU %.1f ms/frame",
                     style, m.width, m.height, s.frames, fps, learned ? 8 : 12, cpu))
        print(String(format: "plain transcode, same run:          %.1f fps, CPU %.1f ms/frame", plainFps, plainCPU))
        print(String(format: "ratio restyle/transcode: %.2f (fps)", fps / plainFps))
    }

    /// The process stage alone (no decode, no encode): `anime` + coherence on 16 decoded 1280×720 frames
    /// (or `--stage-frames N`; six rounds when N ≥ 16), CPU ms per frame (minimum and median), to compare versions of the stage on a loaded machine.
    static func stage(frames count: Int) throws {
        let reader = try VideoReader(url: clip("bigbuckbunny.mp4"))
        var frames: [ByteImage] = []
        while frames.count < count, let f = try reader.nextFrame() { frames.append(f.image) }
        var cpu: [Double] = [], wall: [Double] = []
        for _ in 0..<(count < 16 ? 1 : 6) {
            let engine = TemporalCoherence(stylizer: try StyleSettings(style: .anime).makeStylizer())
            let t = now(), c = cpuMs()
            for f in frames { _ = engine.process(f) }
            let n = Double(frames.count)
            cpu.append((cpuMs() - c) / n); wall.append((now() - t) * 1000 / n)
        }
        cpu.sort(); wall.sort()
        print(String(format: "stage anime + coherence %dx%d: CPU %.1f ms/frame min, %.1f median; wall %.1f min, %.1f median",
                     frames[0].width, frames[0].height, cpu[0], cpu[cpu.count / 2], wall[0], wall[wall.count / 2]))
    }

    static func flow() throws {
        let reader = try VideoReader(url: clip("bigbuckbunny.mp4"))
        var lumas: [Plane] = []
        while lumas.count < 24, let f = try reader.nextFrame() {
            var l = Plane(luminanceOf: f.image)
            while l.width > 640 { l = l.halved() }
            lumas.append(l)
        }
        for preset in DISPreset.allCases {
            let dis = DISFlow(preset: preset)
            _ = dis.flow(from: lumas[0], to: lumas[1])
            let n = lumas.count - 1
            let t = now(), c = cpuMs()
            for k in 0..<n { _ = dis.flow(from: lumas[k], to: lumas[k + 1]) }
            let wall = (now() - t) * 1000 / Double(n), cpu = (cpuMs() - c) / Double(n)
            print(String(format: "flow %@ %dx%d: %.2f ms/frame wall, %.2f ms CPU%@", preset.rawValue,
                         lumas[0].width, lumas[0].height, wall, cpu, preset == .fast ? " (target <= 15 ms)" : ""))
        }
    }

    static func memory() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = clip("bikes.mp4")
        let m = try VideoReader(url: src).metadata
        let looped = dir.appendingPathComponent("loop.mp4")
        try VideoWriter.with(url: looped, config: VideoWriterConfig(width: m.width, height: m.height, fps: m.fps, preset: "ultrafast")) { w in
            for _ in 0..<3 {
                let r = try VideoReader(url: src)
                while let f = try r.nextFrame() { try w.write(f.image) }
            }
        }
        let cfg: (VideoMetadata) -> VideoWriterConfig = { m in VideoWriterConfig(width: m.width, height: m.height, fps: m.fps, preset: "ultrafast") }
        let a = try RestylePipeline.run(input: src, output: dir.appendingPathComponent("a.mp4"), settings: StyleSettings(style: .anime),
                                        coherence: CoherenceParameters(), makeConfig: cfg)
        let p1 = peakRSSMiB()
        let b = try RestylePipeline.run(input: looped, output: dir.appendingPathComponent("b.mp4"), settings: StyleSettings(style: .anime),
                                        coherence: CoherenceParameters(), makeConfig: cfg)
        let p2 = peakRSSMiB()
        print(String(format: "peak RSS: %.0f MiB after %d frames, %.0f MiB after a further %d frames (growth %.1f%%)",
                     p1, a.frames, p2, b.frames, 100 * (p2 - p1) / p1))
    }
}
