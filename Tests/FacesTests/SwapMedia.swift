import Foundation
import Testing
import Imaging
import VideoIO
@testable import Faces

/// Real inputs shared by the face-swap tests: clips/, the DCGAN source face and one full pipeline run.
///
/// The source face is a DCGAN sample (`scripts/faceswap-fixtures.py`): a synthetic identity,
/// a young man, clearly a different person from the astronaut in the target clip.
enum SwapMedia {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func clip(_ name: String) -> URL { root.appendingPathComponent("clips").appendingPathComponent(name) }
    static let sourcePhoto = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("SwapFixtures").appendingPathComponent("dcgan-face.png")
    /// A scratch folder for this test process, removed when it exits.
    static let tmp: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-swap-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: SwapMedia.tmp) }
        return u
    }()

    static let mesh = Result { try MeshFaceSource() }
    static let source = Result { try SourceFace.detect(in: ImageFile.read(sourcePhoto), using: mesh.get()) }

    static func frames(_ url: URL) throws -> [ByteImage] {
        let r = try VideoReader(url: url)
        var out: [ByteImage] = []
        while let f = try r.nextFrame() { out.append(f.image) }
        return out
    }

    /// Landmarks of the single face in each frame (detect on the first, then track).
    static func landmarks(_ frames: [ByteImage]) throws -> [[SIMD3<Float>]?] {
        var tracker = SwapTracker(source: try mesh.get())
        tracker.redetectInterval = 1_000_000
        return try frames.enumerated().map { i, f in try tracker.update(f, index: i).first?.landmarks.points }
    }

    /// RMS of the second differences of landmark trajectories, in inter-ocular units.
    static func jitter(_ tracks: [[SIMD3<Float>]]) -> Float {
        guard tracks.count >= 3 else { return 0 }
        var s: Double = 0, n = 0
        for t in 1..<(tracks.count - 1) {
            let iod = iodOf(tracks[t])
            for i in 0..<468 {
                let d = tracks[t + 1][i] - 2 * tracks[t][i] + tracks[t - 1][i]
                s += Double((d.x * d.x + d.y * d.y) / (iod * iod)); n += 1
            }
        }
        return Float((s / Double(n)).squareRoot())
    }

    static func iodOf(_ p: [SIMD3<Float>]) -> Float {
        let a = (p[33] + p[133]) / 2, b = (p[263] + p[362]) / 2
        return ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }

    /// One default swap of face_audio.mp4 (the ground-truth face clip with audio), plus the same
    /// target re-encoded with identical settings, decoded and measured once for all tests.
    struct Run {
        var output: URL
        var reencoded: URL
        var summary: FaceSwapSummary
        var reports: [FrameReport]
        var out: [ByteImage]
        var target: [ByteImage]
        var reenc: [ByteImage]
    }

    /// Lossless H.264 (crf 0) for the runs that are compared pixel by pixel with a re-encoded
    /// target, so encoder noise is not mistaken for processing.
    static let encoder = VideoWriterConfig(width: 0, height: 0, fps: Rational(25, 1), crf: 0, preset: "ultrafast")

    static let run: Result<Run, Error> = Result {
        let target = clip("face_audio.mp4")
        let out = tmp.appendingPathComponent("swap.mp4"), re = tmp.appendingPathComponent("reencoded.mp4")
        var reports: [FrameReport] = []
        let summary = try FaceSwapPipeline.run(source: try source.get(), landmarks: try mesh.get(), target: target, output: out,
                                               config: FaceSwapConfig(), version: "test", tags: ["kinema": "test"],
                                               encoder: encoder, recordLandmarks: true, onFrame: { r, _ in reports.append(r) })
        // The plain re-encode of the target: same writer settings, no processing.
        let reader = try VideoReader(url: target)
        var wc = encoder
        wc.width = reader.metadata.width; wc.height = reader.metadata.height; wc.fps = reader.metadata.fps
        let writer = try VideoWriter(url: re, config: wc)
        try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image })
        return Run(output: out, reencoded: re, summary: summary, reports: reports,
                   out: try frames(out), target: try frames(target), reenc: try frames(re))
    }

    /// Worst per-frame mean distance between two landmark sets, in units of the target's inter-ocular distance.
    /// Every frame must have landmarks on both sides.
    static func worstLandmarkError(_ out: [[SIMD3<Float>]?], _ target: [[SIMD3<Float>]?]) throws -> Float {
        var worst: Float = 0
        for (o, t) in zip(out, target) {
            let o = try #require(o), t = try #require(t)
            var d: Float = 0
            for i in 0..<468 { let u = o[i] - t[i]; d += (u.x * u.x + u.y * u.y).squareRoot() }
            worst = max(worst, d / 468 / iodOf(t))
        }
        return worst
    }

    /// Mean gradient magnitude (central differences, mean over RGB) at (x, y).
    static func gradient(_ img: ByteImage, _ x: Int, _ y: Int) -> Double {
        var g = 0.0
        for c in 0..<3 {
            let gx = Double(img.data[(y * img.width + x + 1) * 3 + c]) - Double(img.data[(y * img.width + x - 1) * 3 + c])
            let gy = Double(img.data[((y + 1) * img.width + x) * 3 + c]) - Double(img.data[((y - 1) * img.width + x) * 3 + c])
            g += (gx * gx + gy * gy).squareRoot()
        }
        return g / 3
    }
}
