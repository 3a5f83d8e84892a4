import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// Occluders on a small (176×144) side-lit face. A real textured object (the white and red cup of clips/coffee.png)
/// slides over the mouth of the small side-lit clip, which is encoded as a user's clip would be. The object's chroma is far from the skin's, so it is found;
/// what is measured is its rim: the codec blurs chroma over 2 frame pixels and the mask's edge is soft, so before
/// `OcclusionMask.rimCovered` the blend reached 2–4 px into a 30-px object.
@Suite(.serialized) struct SwapSmallOccluderTests {
    /// The cup's outline on coffee.png as three ellipses (body, rim, handle), in photo pixels.
    static let ellipses: [(cx: Float, cy: Float, rx: Float, ry: Float)] = [(291, 113, 118, 97), (282, 190, 100, 85), (228, 268, 30, 36)]

    /// The cup cropped to its outline and resized (area filter) so its longer side is `size` pixels; its coverage
    /// (0...1, area-averaged from the photo's binary outline) gives an anti-aliased edge.
    static func cup(size: Float) throws -> (rgb: ByteImage, alpha: [Float]) {
        let photo = try ImageFile.read(SwapMedia.clip("coffee.png"))
        let inside = { (x: Int, y: Int) in
            ellipses.contains { e in
                let dx = (Float(x) - e.cx) / e.rx, dy = (Float(y) - e.cy) / e.ry
                return dx * dx + dy * dy <= 1
            }
        }
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for y in 0..<photo.height { for x in 0..<photo.width where inside(x, y) {
            x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
        } }
        let crop = photo.cropped(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
        var m = ByteImage(width: crop.width, height: crop.height, channels: 1)
        for y in 0..<crop.height { for x in 0..<crop.width where inside(x + x0, y + y0) { m.data[y * crop.width + x] = 255 } }
        let k = size / Float(max(crop.width, crop.height))
        let w = max(1, Int((Float(crop.width) * k).rounded())), h = max(1, Int((Float(crop.height) * k).rounded()))
        try #require(crop.channels == 3)
        let rgb = crop.resized(width: w, height: h, filter: .area)
        let alpha = m.resized(width: w, height: h, filter: .area).data.map { Float($0) / 255 }
        return (rgb, alpha)
    }

    @Test func theRimOfATexturedObjectOnAnEncodedSmallClipIsKept() throws {
        let small = try SwapDegradedMedia.smallSideLit.get()
        let lms = try SwapMedia.landmarks(small).map { try #require($0) }
        let (rgb, alpha) = try Self.cup(size: SwapMedia.iodOf(lms[0]))
        let (occluded, covers) = SwapDegradedMedia.slid(small, landmarks: lms, rgb: rgb, alpha: alpha)
        let url = SwapMedia.tmp.appendingPathComponent("cup-small.mp4"), out = SwapMedia.tmp.appendingPathComponent("cup-small-swap.mp4")
        let w = try VideoWriter(url: url, config: VideoWriterConfig(width: 176, height: 144, fps: Rational(25, 1), crf: 18, preset: "veryfast"))
        for f in occluded { try w.write(f) }
        try w.finish()
        try FaceSwapPipeline.run(source: try SwapDegradedMedia.source.get(), landmarks: try SwapMedia.mesh.get(), target: url,
                                 output: out, config: FaceSwapConfig(), version: "test")
        let input = try SwapMedia.frames(url), swapped = try SwapMedia.frames(out)
        #expect(input.count == small.count && swapped.count == small.count)
        // The object's pixels at least 1.5 px inside its outline; its rim is the part of them within 4 px of it.
        func within(_ m: [Bool], _ x: Int, _ y: Int, _ r: Int) -> Bool {
            for dy in -r...r { for dx in -r...r where dx * dx + dy * dy <= r * r {
                let u = x + dx, v = y + dy
                if u < 0 || v < 0 || u >= 176 || v >= 144 || !m[v * 176 + u] { return false }
            } }
            return true
        }
        var rim: [Float] = [], core: [Float] = []
        for i in input.indices {
            let obj = covers[i].map { $0 >= 0.5 }
            let inner = (0..<obj.count).map { within(obj, $0 % 176, $0 / 176, 2) }
            let deep = (0..<obj.count).map { within(obj, $0 % 176, $0 / 176, 4) }
            rim.append(SwapDegradedMedia.meanChange(swapped[i], input[i]) { x, y in inner[y * 176 + x] && !deep[y * 176 + x] })
            core.append(SwapDegradedMedia.meanChange(swapped[i], input[i]) { x, y in inner[y * 176 + x] })
        }
        // The history (`OccluderHistory`) has its first reference from frame 8 on; before it, the cup's dark red
        // lower half passes the chroma test (redder than skin is tolerated, for the lips) and is painted over, which
        // is not what this test is about. From frame 9 on, what is left is the rim.
        let late = Array(rim[9...]), lateCore = Array(core[9...])
        let rimMean = late.reduce(0, +) / Float(late.count), coreMean = lateCore.reduce(0, +) / Float(lateCore.count)
        print("cup over the mouth, encoded 176x144, frames 9-15: change in the rim (1.5–4 px inside) mean \(rimMean) "
              + "worst \(late.max() ?? 0); whole object mean \(coreMean) levels; per frame rim, all frames \(rim.map { ($0 * 10).rounded() / 10 })")
        let allMean = rim.reduce(0, +) / Float(rim.count)
        // Before the rim was kept: frames 9–15 rim 4.2 (worst 5.3), whole object 3.9; all frames' rim 20.
        #expect(allMean <= 10)
        #expect(rimMean <= 4)
        #expect(coreMean <= 3.5)
        #expect((late.max() ?? 99) <= 4.5)
    }

    @Test func aGreyDiscOverTheMouthFromTheFirstFrameIsFound() throws {
        // A neutral grey disc (60, 60, 60), in front of the mouth from the first frame on, sliding as the blue one of
        // SwapDegradedMedia; in memory, so only the swap changes pixels. Its chroma is found against the skin model
        // only when that model was not taken with the disc in it (`OcclusionMask.firstSkin`).
        let small = try SwapDegradedMedia.smallSideLit.get(), discs = try SwapDegradedMedia.smallDiscs()
        let occluded = SwapDegradedMedia.painted(small, discs: discs, rgb: (60, 60, 60))
        let out = try SwapDegradedMedia.swap(occluded)
        let inside = out.indices.map { i in
            SwapDegradedMedia.meanChange(out[i], occluded[i]) { x, y in SwapDegradedMedia.inDisc(x, y, discs[i], shrink: 1.5) }
        }
        let first = Array(inside.prefix(8)), mean = inside.reduce(0, +) / Float(inside.count)
        print("grey disc over the mouth from frame 0, 176x144: change inside mean \(mean), first 8 frames "
              + "\(first.map { ($0 * 10).rounded() / 10 }), worst \(inside.max() ?? 0)")
        // Before the first frame's skin model was taken from the tighter face half: mean 15.1, worst 36.2
        // (the source's mouth painted on the disc, until the skin model drifted towards the uncovered face).
        // Measured 1.4, worst 7.1 (frame 0: too little of the disc is found in the first frame for the rim to grow).
        #expect(mean <= 2)
        #expect((inside.max() ?? 99) <= 9)
    }
}
