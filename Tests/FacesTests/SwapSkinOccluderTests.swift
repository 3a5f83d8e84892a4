import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// A skin-toned occluder on a small (176×144) side-lit face: a real arm, cut out of a committed photo
/// (clips/group-2008_007676.jpg), slides over the mouth of the small side-lit clip from its first frame on.
/// Its chroma is the skin's, so only `OccluderHistory` (the face's own recent appearance) can find it, from the
/// track's fourth frame on; where it lay while the history was learnt it is still missed when it comes back.
@Suite(.serialized) struct SwapSkinOccluderTests {
    /// The woman's upper arm on the left of the photo: the skin-coloured pixels (r > 120, r > b + 10, r > g) of its
    /// box, largest 4-connected part, cropped to it and resized (area filter) so its longer side is `size` pixels.
    static func arm(size: Float) throws -> (rgb: ByteImage, alpha: [Float]) { try cutout(box: (45, 182, 63, 118), size: size) }

    /// The skin-coloured part of `box` (x, y, width, height) of the photo, cut out as `arm` describes.
    static func cutout(box: (Int, Int, Int, Int), size: Float) throws -> (rgb: ByteImage, alpha: [Float]) {
        let photo = try ImageFile.read(SwapMedia.clip("group-2008_007676.jpg"))
        let (bx, by, bw, bh) = box
        try #require(photo.channels == 3 && photo.width >= bx + bw && photo.height >= by + bh)
        var skin = [Bool](repeating: false, count: bw * bh)
        for y in 0..<bh { for x in 0..<bw {
            let o = ((by + y) * photo.width + bx + x) * 3
            let r = Int(photo.data[o]), g = Int(photo.data[o + 1]), b = Int(photo.data[o + 2])
            skin[y * bw + x] = r > 120 && r > b + 10 && r > g
        } }
        // Largest 4-connected component.
        var label = [Int](repeating: -1, count: bw * bh), best = (id: -1, size: 0)
        for start in skin.indices where skin[start] && label[start] < 0 {
            var stack = [start], size = 0
            label[start] = start
            while let p = stack.popLast() {
                size += 1
                let x = p % bw, y = p / bw
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let u = x + dx, v = y + dy
                    guard u >= 0, v >= 0, u < bw, v < bh, skin[v * bw + u], label[v * bw + u] < 0 else { continue }
                    label[v * bw + u] = start; stack.append(v * bw + u)
                }
            }
            if size > best.size { best = (start, size) }
        }
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for p in label.indices where label[p] == best.id {
            x0 = min(x0, p % bw); x1 = max(x1, p % bw); y0 = min(y0, p / bw); y1 = max(y1, p / bw)
        }
        try #require(best.size > 500)
        let crop = photo.cropped(x: bx + x0, y: by + y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
        var m = ByteImage(width: crop.width, height: crop.height, channels: 1)
        for y in 0..<crop.height { for x in 0..<crop.width where label[(y + y0) * bw + x + x0] == best.id { m.data[y * crop.width + x] = 255 } }
        let k = size / Float(max(crop.width, crop.height))
        let w = max(1, Int((Float(crop.width) * k).rounded())), h = max(1, Int((Float(crop.height) * k).rounded()))
        return (crop.resized(width: w, height: h, filter: .area), m.resized(width: w, height: h, filter: .area).data.map { Float($0) / 255 })
    }

    @Test func aSkinTonedArmOverTheMouthOfASmallFaceIsKept() throws {
        let small = try SwapDegradedMedia.smallSideLit.get()
        let lms = try SwapMedia.landmarks(small).map { try #require($0) }
        let (rgb, alpha) = try Self.arm(size: SwapMedia.iodOf(lms[0]))
        let (occluded, covers) = SwapDegradedMedia.slid(small, landmarks: lms, rgb: rgb, alpha: alpha)
        let out = try SwapDegradedMedia.swap(occluded)
        try #require(out.count == small.count)
        // The arm's pixels at least 1.5 px inside its outline.
        let inside = out.indices.map { i in
            SwapDegradedMedia.meanChange(out[i], occluded[i]) { x, y in
                for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy <= 4 {
                    let u = x + dx, v = y + dy
                    if u < 0 || v < 0 || u >= 176 || v >= 144 || covers[i][v * 176 + u] < 0.5 { return false }
                } }
                return true
            }
        }
        // Frames 0–2 have no history of their own yet (the look-ahead judges them: SwapPrimedOccluderTests).
        let judged = Array(inside[3...]), mean = judged.reduce(0, +) / Float(judged.count)
        print("skin-toned arm over the mouth, 176x144 side-lit: change inside, frames 3-15 mean \(mean) worst \(judged.max() ?? 0); "
              + "per frame \(inside.map { ($0 * 10).rounded() / 10 })")
        // Before (snapshots every 4th frame from the first, so judged from frame 9 on): frames 3–8 at 22–26 levels,
        // mean over frames 3–15 11.4. Measured: frames 3–5 at 0.1; the return over the mouth, where the reference was
        // learnt with the arm in it (frames 6–8), 10.2, 13.5, 15.7; mean 3.1.
        #expect(mean <= 4)
        #expect((inside[3...5].max() ?? 99) <= 2)
    }
}
