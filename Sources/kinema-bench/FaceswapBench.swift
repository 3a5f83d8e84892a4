// kinema-bench faceswap: swap fps on a 1280×720 face clip against a plain transcode of the same
// clip in the same run (the peer: decode → RGB → encode with identical settings), plus the peak
// RSS of the swap on the clip and on the clip looped 4× (each in its own child process).
// `--identity` instead judges identity with dlib's recogniser (FaceswapIdentityBench).
import Faces
import Foundation
import Imaging
import VideoIO

enum FaceswapBench {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sourcePhoto = repo.appendingPathComponent("Tests/FacesTests/SwapFixtures/dcgan-face.png")

    static func encoder(_ m: VideoMetadata) -> VideoWriterConfig {
        VideoWriterConfig(width: m.width, height: m.height, fps: m.fps, codec: .h264, crf: 23, preset: "veryfast")
    }

    /// face.mp4 scaled to 720×720 and centred on a 1280×720 frame (edges replicated), `loops` times over.
    static func make720(loops: Int, to url: URL) throws {
        let reader = try VideoReader(url: repo.appendingPathComponent("clips/face.mp4"))
        var frames: [ByteImage] = []
        while let f = try reader.nextFrame() {
            let big = ByteImage(Image(f.image).resized(width: 720, height: 720, filter: .bilinear))
            var out = ByteImage(width: 1280, height: 720, channels: 3)
            for y in 0..<720 { for x in 0..<1280 {
                let sx = min(max(x - 280, 0), 719)
                for c in 0..<3 { out.data[(y * 1280 + x) * 3 + c] = big.data[(y * 720 + sx) * 3 + c] }
            } }
            frames.append(out)
        }
        var cfg = VideoWriterConfig(width: 1280, height: 720, fps: reader.metadata.fps, crf: 18, preset: "veryfast")
        cfg.tags = ["comment": "kinema-bench faceswap input"]
        let w = try VideoWriter(url: url, config: cfg)
        for _ in 0..<loops { for f in frames { try w.write(f) } }
        try w.finish()
    }

    /// Swaps the bench source face onto `clip`; also returns the process CPU seconds of the run
    /// itself (model loading and source detection excluded, as they are from the fps).
    static func swap(_ clip: URL, _ out: URL) throws -> (FaceSwapSummary, Double) {
        let mesh = try MeshFaceSource()
        let face = try SourceFace.detect(in: ImageFile.read(sourcePhoto), using: mesh)
        let meta = try VideoReader(url: clip).metadata
        let c0 = processCPU()
        let s = try FaceSwapPipeline.run(source: face, landmarks: mesh, target: clip, output: out, config: FaceSwapConfig(),
                                         version: "bench", encoder: encoder(meta))
        return (s, processCPU() - c0)
    }

    /// CPU seconds used by the whole process so far (all threads, user + system).
    static func processCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func peakRSSKiB() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Int(u.ru_maxrss)
    }

    /// Child mode: swap CLIP and print the peak RSS.
    static func child(_ clip: String) throws {
        let out = URL(fileURLWithPath: clip + ".swap.mp4")
        let (s, _) = try swap(URL(fileURLWithPath: clip), out)
        try? FileManager.default.removeItem(at: out)
        print("frames \(s.frames) rss_kib \(peakRSSKiB())")
    }

    static func childRSS(_ clip: URL) throws -> (Int, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: p.executableURL!.path) {
            p.executableURL = Bundle.main.executableURL
        }
        p.arguments = ["faceswap", "--rss-child", clip.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let parts = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 4, let f = Int(parts[1]), let r = Int(parts[3]) else { throw FaceSwapError.io("rss child failed") }
        return (f, r)
    }

    static func run(_ args: [String]) throws {
        if args.count >= 2, args[0] == "--rss-child" { try child(args[1]); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-bench-faceswap-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        if args.contains("--identity") { try FaceswapIdentityBench.run(args, dir: dir); return }
        let clip = dir.appendingPathComponent("face720.mp4"), clip4 = dir.appendingPathComponent("face720x4.mp4")
        try make720(loops: 1, to: clip)
        try make720(loops: 4, to: clip4)
        let meta = try VideoReader(url: clip).metadata
        // Peer: plain transcode with the same writer settings.
        let r = try VideoReader(url: clip)
        let c0 = processCPU()
        let t = try VideoPipeline.run(reader: r, writer: try VideoWriter(url: dir.appendingPathComponent("t.mp4"), config: encoder(meta)),
                                      process: { $0.image })
        let c1 = processCPU()
        let (s, swapCPU) = try swap(clip, dir.appendingPathComponent("s.mp4"))
        print(String(format: "faceswap 1280x720, %d frames: swap %.1f fps, transcode %.1f fps, ratio %.2f (targets: >= 25 fps, >= 0.5)",
                     s.frames, s.fps, t.fps, s.fps / max(t.fps, 1e-9)))
        // Process CPU time (all threads) is much less disturbed by other load than wall-clock fps.
        print(String(format: "process CPU per frame: swap %.1f ms, transcode %.1f ms",
                     1000 * swapCPU / Double(max(s.frames, 1)), 1000 * (c1 - c0) / Double(max(t.frames, 1))))
        if args.contains("--no-rss") { return }
        let (f1, r1) = try childRSS(clip), (f4, r4) = try childRSS(clip4)
        print(String(format: "peak RSS: %d frames %.1f MiB, %d frames (4x) %.1f MiB, change %+.1f%% (target < 20%%)",
                     f1, Double(r1) / 1024, f4, Double(r4) / 1024, 100 * Double(r4 - r1) / Double(r1)))
    }
}
