import Foundation
import Imaging
import Testing
@testable import Faces

/// A target face larger than the source face (the 720p benchmark's case): the swap then works on a
/// grid at the source's resolution and composites once at frame resolution. The acceptance checks
/// of the clip tests must hold there too, and the result must look like the frame-resolution swap.
@Suite(.serialized) struct SwapLargeFaceTests {
    /// The first frames of the ground-truth face clip, scaled 3× (IOD ≈ 125 px against the source's ≈ 80).
    static let frames: Result<[ByteImage], Error> = Result {
        try SwapMedia.frames(SwapMedia.clip("face_audio.mp4")).prefix(8).map {
            ByteImage(Image($0).resized(width: 3 * $0.width, height: 3 * $0.height, filter: .bilinear))
        }
    }

    static func swap(_ frames: [ByteImage], grid: Bool) throws -> (out: [ByteImage], reports: [FrameReport]) {
        var cfg = FaceSwapConfig()
        cfg.options.sourceResolutionGrid = grid
        let s = FaceSwapSession(source: try SwapMedia.source.get(), landmarks: try SwapMedia.mesh.get(), config: cfg, fps: 25)
        s.recordLandmarks = true
        var done: [SwappedFrame] = []
        for (i, f) in frames.enumerated() { done += try s.push(f, index: i) }
        done += try s.finish()
        return (done.map(\.image), done.map(\.report))
    }

    @Test func sourceResolutionGridKeepsTheAcceptanceFigures() throws {
        let target = try Self.frames.get()
        let source = try SwapMedia.source.get()
        // The grid path is really taken on these frames.
        let lt = try SwapMedia.landmarks(target)
        var probe = target[0], st = AppearanceState()
        let first = try #require(lt[0])
        let info = try #require(try FaceCompositor(source: source).render(into: &probe, target: first, state: &st))
        #expect(info.gridWidth < info.rect.width * 3 / 4 && info.gridHeight < info.rect.height * 3 / 4)

        let grid = try Self.swap(target, grid: true), full = try Self.swap(target, grid: false)
        #expect(grid.out.count == target.count && full.out.count == target.count)
        for (name, run) in [("grid", grid), ("full", full)] {
            // Landmarks re-detected on the output follow the target's.
            let lo = try SwapMedia.landmarks(run.out)
            let worst = try SwapMedia.worstLandmarkError(lo, lt)
            // Inside the face the output changed; outside a margin it is the input, exactly (no codec here).
            var inside = 0.0, nIn = 0.0, outside = 0.0, nOut = 0.0, go = 0.0, gt = 0.0
            for (k, rep) in run.reports.enumerated() {
                let pts = try #require(rep.landmarks?.first)
                let w = target[k].width, h = target[k].height
                let rect = PixelRect(x: 0, y: 0, width: w, height: h)
                var core = RegionBuffer(width: w, height: h, channels: 1), near = core
                FaceMasks.fill(&core, polygon: FaceMasks.polygon(pts, CanonicalFace.oval, scale: 0.7, origin: rect), value: 1)
                FaceMasks.fill(&near, polygon: FaceMasks.polygon(pts, CanonicalFace.oval, scale: 1.6, origin: rect), value: 1)
                for p in 0..<(w * h) {
                    var d = 0.0
                    for c in 0..<3 { d += abs(Double(run.out[k].data[3 * p + c]) - Double(target[k].data[3 * p + c])) }
                    if core.data[p] > 0 { inside += d / 3; nIn += 1 } else if near.data[p] == 0 { outside += d / 3; nOut += 1 }
                }
                let oval = CanonicalFace.oval.map { SIMD2(pts[$0].x, pts[$0].y) }
                for i in oval.indices {
                    let a = oval[i], b = oval[(i + 1) % oval.count]
                    for t in stride(from: Float(0), to: 1, by: 0.1) {
                        let p = a + (b - a) * t
                        let x = Int(p.x.rounded()), y = Int(p.y.rounded())
                        guard x > 0, y > 0, x < w - 1, y < h - 1 else { continue }
                        go += SwapMedia.gradient(run.out[k], x, y); gt += SwapMedia.gradient(target[k], x, y)
                    }
                }
            }
            print("swap large face (\(name)): landmarks \(worst * 100)% IOD, inside \(inside / nIn), outside \(outside / nOut) levels, seam \(go / gt)")
            #expect(worst <= 0.03)
            #expect(inside / nIn > 8)
            #expect(outside / nOut <= 1)
            #expect(go <= 1.5 * gt)
        }
        // And the two paths give nearly the same picture: mean difference inside the face, in levels.
        var diff = 0.0, n = 0.0
        for (k, rep) in grid.reports.enumerated() {
            let pts = try #require(rep.landmarks?.first)
            let w = target[k].width, h = target[k].height
            var core = RegionBuffer(width: w, height: h, channels: 1)
            FaceMasks.fill(&core, polygon: FaceMasks.polygon(pts, CanonicalFace.oval, scale: 1.0, origin: PixelRect(x: 0, y: 0, width: w, height: h)), value: 1)
            for p in 0..<(w * h) where core.data[p] > 0 {
                for c in 0..<3 { diff += abs(Double(grid.out[k].data[3 * p + c]) - Double(full.out[k].data[3 * p + c])) }
                n += 3
            }
        }
        print("swap large face: mean |grid − full| inside the oval \(diff / n) levels")
        #expect(diff / n <= 3)
    }
}
