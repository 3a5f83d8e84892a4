import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// End-to-end acceptance of the face swap on the ground-truth face clip (with audio).
@Suite(.serialized) struct SwapPipelineTests {
    @Test func outputIsLabelledAndKeepsAudioFpsAndLength() throws {
        let r = try SwapMedia.run.get()
        let meta = try VideoReader(url: r.output).metadata, src = try VideoReader(url: SwapMedia.clip("face_audio.mp4")).metadata
        #expect(meta.tags["comment"] == "synthetic media: face replaced by kinema test")
        #expect(meta.tags["kinema"] == "test")
        #expect(meta.hasAudio && src.hasAudio)
        #expect(meta.fps == src.fps)
        #expect(r.out.count == r.target.count && r.summary.frames == r.target.count)
        #expect(abs(meta.duration - src.duration) <= 1 / src.fps.value + 1e-3)
        #expect(meta.width == src.width && meta.height == src.height)
        #expect(r.summary.framesSwapped == r.target.count)
    }

    @Test func outputLandmarksFollowTheTarget() throws {
        let r = try SwapMedia.run.get()
        let lo = try SwapMedia.landmarks(r.out), lt = try SwapMedia.landmarks(r.target)
        let worst = try SwapMedia.worstLandmarkError(lo, lt)
        print("swap: worst mean landmark error on output = \(worst * 100)% IOD")
        #expect(worst <= 0.03)
        // Jitter of the output's own landmarks against the target's own.
        let jo = SwapMedia.jitter(lo.compactMap { $0 }), jt = SwapMedia.jitter(lt.compactMap { $0 })
        print("swap: jitter output \(jo) target \(jt) (IOD units)")
        #expect(jo <= 1.2 * jt)
    }

    @Test func smoothingHalvesTheGeometryJitter() throws {
        let r = try SwapMedia.run.get()
        let smoothed = r.reports.compactMap { $0.landmarks?.first }
        // Same pipeline with smoothing off, on the same frames.
        var cfg = FaceSwapConfig(); cfg.smoothing.mode = .off
        let s = FaceSwapSession(source: try SwapMedia.source.get(), landmarks: try SwapMedia.mesh.get(), config: cfg, fps: 25)
        s.recordLandmarks = true
        var raw: [[SIMD3<Float>]] = []
        for (i, f) in r.target.enumerated() { for o in try s.push(f, index: i) { raw.append(o.report.landmarks!.first!) } }
        let js = SwapMedia.jitter(smoothed), jr = SwapMedia.jitter(raw)
        print("swap: geometry jitter smoothed \(js) raw \(jr) ratio \(js / jr)")
        #expect(smoothed.count == r.target.count && raw.count == r.target.count)
        #expect(js <= 0.5 * jr)
    }

    @Test func onlyTheFaceChanges() throws {
        let r = try SwapMedia.run.get()
        var inside: Double = 0, nIn = 0.0, outside: Double = 0, nOut = 0.0
        for (k, rep) in r.reports.enumerated() {
            let pts = try #require(rep.landmarks?.first)
            let w = r.out[k].width, h = r.out[k].height
            let full = PixelRect(x: 0, y: 0, width: w, height: h)
            var core = RegionBuffer(width: w, height: h, channels: 1), near = core
            FaceMasks.fill(&core, polygon: FaceMasks.polygon(pts, CanonicalFace.oval, scale: 0.7, origin: full), value: 1)
            FaceMasks.fill(&near, polygon: FaceMasks.polygon(pts, CanonicalFace.oval, scale: 1.6, origin: full), value: 1)
            for p in 0..<(w * h) {
                var d = 0.0
                for c in 0..<3 { d += abs(Double(r.out[k].data[3 * p + c]) - Double(r.reenc[k].data[3 * p + c])) }
                if core.data[p] > 0 { inside += d / 3; nIn += 1 } else if near.data[p] == 0 { outside += d / 3; nOut += 1 }
            }
        }
        print("swap: mean |out − re-encoded| inside \(inside / nIn), outside margin \(outside / nOut) levels")
        #expect(inside / nIn > 8)
        #expect(outside / nOut <= 1)
    }

    @Test func seamIsNoSharperThanTheTarget() throws {
        let r = try SwapMedia.run.get()
        var go = 0.0, gt = 0.0
        for (k, rep) in r.reports.enumerated() where k % 4 == 0 {
            let pts = try #require(rep.landmarks?.first)
            // The blend mask's edge: the face oval, sampled densely along its polygon.
            let oval = CanonicalFace.oval.map { SIMD2(pts[$0].x, pts[$0].y) }
            for i in oval.indices {
                let a = oval[i], b = oval[(i + 1) % oval.count]
                for t in stride(from: Float(0), to: 1, by: 0.1) {
                    let p = a + (b - a) * t
                    let x = Int(p.x.rounded()), y = Int(p.y.rounded())
                    guard x > 0, y > 0, x < r.out[k].width - 1, y < r.out[k].height - 1 else { continue }
                    go += SwapMedia.gradient(r.out[k], x, y); gt += SwapMedia.gradient(r.reenc[k], x, y)
                }
            }
        }
        print("swap: seam gradient output/target = \(go / gt)")
        #expect(go <= 1.5 * gt)
    }

    @Test func targetWithoutFacesIsReencodedUnchanged() throws {
        // bikes.mp4's first 20 frames: real street footage before the cyclist's face enters (frame 30).
        let bikes = SwapMedia.tmp.appendingPathComponent("bikes20.mp4")
        let src = try VideoReader(url: SwapMedia.clip("bikes.mp4"))
        var cut = SwapMedia.encoder
        cut.width = src.metadata.width; cut.height = src.metadata.height; cut.fps = src.metadata.fps
        let w20 = try VideoWriter(url: bikes, config: cut)
        for _ in 0..<20 { try w20.write(try #require(try src.nextFrame()).image) }
        try w20.finish()
        let out = SwapMedia.tmp.appendingPathComponent("noface.mp4"), re = SwapMedia.tmp.appendingPathComponent("noface-re.mp4")
        let s = try FaceSwapPipeline.run(source: try SwapMedia.source.get(), landmarks: try SwapMedia.mesh.get(), target: bikes,
                                         output: out, config: FaceSwapConfig(), version: "test", encoder: SwapMedia.encoder)
        #expect(s.framesWithFaces == 0 && s.framesSwapped == 0)
        let reader = try VideoReader(url: bikes)
        var wc = SwapMedia.encoder
        wc.width = reader.metadata.width; wc.height = reader.metadata.height; wc.fps = reader.metadata.fps
        try VideoPipeline.run(reader: reader, writer: try VideoWriter(url: re, config: wc), process: { $0.image })
        let a = try SwapMedia.frames(out), b = try SwapMedia.frames(re)
        #expect(a.count == b.count)
        var maxDiff = 0
        for (x, y) in zip(a, b) { for i in x.data.indices { maxDiff = max(maxDiff, abs(Int(x.data[i]) - Int(y.data[i]))) } }
        #expect(maxDiff <= 1)
    }

    @Test func badInputsFailCleanly() throws {
        let mesh = try SwapMedia.mesh.get()
        // A real photo without a face.
        #expect(throws: FaceSwapError.self) { try SourceFace.detect(in: ImageFile.read(SwapMedia.clip("coffee.png")), using: mesh) }
        // Asking for a second source face that isn't there.
        #expect(throws: FaceSwapError.self) { try SourceFace.detect(in: ImageFile.read(SwapMedia.sourcePhoto), using: mesh, index: 1) }
        // Unreadable source (a text file) and unreadable target: errors, and no output left behind.
        let junk = SwapMedia.tmp.appendingPathComponent("junk.png")
        try Data("not an image".utf8).write(to: junk)
        #expect(throws: (any Error).self) { try ImageFile.read(junk) }
        let out = SwapMedia.tmp.appendingPathComponent("never.mp4")
        #expect(throws: (any Error).self) {
            try FaceSwapPipeline.run(source: try SwapMedia.source.get(), landmarks: mesh, target: junk, output: out,
                                     config: FaceSwapConfig(), version: "test")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func watermarkMarksTheNamedCorner() throws {
        let r = try SwapMedia.run.get()
        for corner in [Corner.topLeft, .bottomRight] {
            var cfg = FaceSwapConfig(); cfg.watermark = corner; cfg.smoothing.mode = .off
            let s = FaceSwapSession(source: try SwapMedia.source.get(), landmarks: try SwapMedia.mesh.get(), config: cfg, fps: 25)
            let marked = try #require(try s.push(r.target[0], index: 0).first).image
            var plain = FaceSwapConfig(); plain.smoothing.mode = .off
            let p = FaceSwapSession(source: try SwapMedia.source.get(), landmarks: try SwapMedia.mesh.get(), config: plain, fps: 25)
            let clean = try #require(try p.push(r.target[0], index: 0).first).image
            let rect = Watermark.rect(width: clean.width, height: clean.height, corner: corner)
            var changed = 0, outside = 0
            for y in 0..<clean.height { for x in 0..<clean.width {
                let i = (y * clean.width + x) * 3
                let diff = marked.data[i] != clean.data[i]
                let inRect = x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height
                if inRect && diff { changed += 1 } else if !inRect && diff { outside += 1 }
            } }
            #expect(changed > rect.area / 2)
            #expect(outside == 0)
        }
    }
}
