import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// A skin-coloured occluder: a real hand, cut from a real photo, slides across the mouth of a real face clip.
/// Its chroma is the skin's, so only `OccluderHistory` (the face's own recent appearance) can find it.
@Suite(.serialized) struct SwapOccluderTests {
    static let frameCount = 32

    /// The woman's hand at the bottom left of clips/group-2008_007676.jpg: its rectangle, resized to
    /// `size` pixels on the longer side, with the skin pixels (red above green and above blue + 10, red > 120)
    /// as its mask: the black dress and the table around it drop out, the hand's own outline stays.
    static func hand(size: Int) throws -> (rgb: ByteImage, mask: [Bool]) {
        let photo = try ImageFile.read(SwapMedia.clip("group-2008_007676.jpg"))
        let crop = photo.cropped(x: 118, y: 280, width: 58, height: 54)
        let w = size, h = max(1, size * 54 / 58)
        let rgb = crop.resized(width: w, height: h, filter: .area)
        let mask = (0..<(w * h)).map { p -> Bool in
            let r = Int(rgb.data[3 * p]), g = Int(rgb.data[3 * p + 1]), b = Int(rgb.data[3 * p + 2])
            return r > 120 && r > b + 10 && r > g
        }
        return (rgb, mask)
    }

    /// The first frames of clips/face.mp4 with the hand pasted over them: it enters from the face's right
    /// cheek, crosses the mouth (0.1 IOD below the upper inner lip, FaceMesh 13) and leaves over the left one.
    /// Returns the frames and, per frame, the hand's pixels (frame-sized masks).
    static let occluded = Result { () throws -> (clean: [ByteImage], frames: [ByteImage], masks: [[Bool]], landmarks: [[SIMD3<Float>]]) in
        let clean = Array(try SwapMedia.frames(SwapMedia.clip("face.mp4")).prefix(frameCount))
        let lms = try SwapMedia.landmarks(clean).map { try #require($0) }
        let (rgb, mask) = try hand(size: Int(SwapMedia.iodOf(lms[0]).rounded()))
        var frames: [ByteImage] = [], masks: [[Bool]] = []
        for (i, f) in clean.enumerated() {
            let iod = SwapMedia.iodOf(lms[i])
            let t = 1.3 - 2.6 * Float(i) / Float(frameCount - 1)
            let x0 = Int((lms[i][13].x + t * iod).rounded()) - rgb.width / 2, y0 = Int((lms[i][13].y + 0.1 * iod).rounded()) - rgb.height / 2
            var g = f, m = [Bool](repeating: false, count: f.width * f.height)
            for y in 0..<rgb.height { for x in 0..<rgb.width where mask[y * rgb.width + x] {
                let fx = x0 + x, fy = y0 + y
                guard fx >= 0, fy >= 0, fx < f.width, fy < f.height else { continue }
                for c in 0..<3 { g.data[(fy * f.width + fx) * 3 + c] = rgb.data[(y * rgb.width + x) * 3 + c] }
                m[fy * f.width + fx] = true
            } }
            frames.append(g); masks.append(m)
        }
        return (clean, frames, masks, lms)
    }

    /// Pixels of `mask` at least 1.5 px inside it (all 8 neighbours' neighbours in the mask).
    static func core(_ m: [Bool], width: Int, height: Int) -> [Bool] {
        (0..<m.count).map { p in
            let x = p % width, y = p / width
            guard x >= 2, y >= 2, x < width - 2, y < height - 2, m[p] else { return false }
            for dy in -1...1 { for dx in -1...1 where !m[p + dy * width + dx] { return false } }
            return m[p - 2] && m[p + 2] && m[p - 2 * width] && m[p + 2 * width]
        }
    }

    @Test func aSkinColouredHandOverTheMouthKeepsItsPixelsAndDoesNotTintTheFace() throws {
        let media = try Self.occluded.get()
        let width = media.frames[0].width, height = media.frames[0].height
        var chromaOnly = FaceSwapConfig()
        chromaOnly.options.occluderHistory = false
        let out = try SwapDegradedMedia.swap(media.frames), naive = try SwapDegradedMedia.swap(media.frames, config: chromaOnly)
        let plain = try SwapDegradedMedia.swap(media.clean), plainChroma = try SwapDegradedMedia.swap(media.clean, config: chromaOnly)
        var inside: [Float] = [], naiveInside: [Float] = [], tint: [Float] = [], falseKeep: [Float] = [], swapped: [Float] = []
        for i in media.frames.indices {
            let skin = SwapDegradedMedia.skinMask(media.landmarks[i], width: width, height: height)
            let core = Self.core(media.masks[i], width: width, height: height)
            // Only the part of the hand over the face counts: beyond the face nothing is painted anyway.
            let onFace = { (x: Int, y: Int) in core[y * width + x] && skin.data[y * width + x] > 0.5 }
            guard (0..<(width * height)).filter({ onFace($0 % width, $0 / width) }).count >= 20 else { continue }
            inside.append(SwapDegradedMedia.meanChange(out[i], media.frames[i], onFace))
            naiveInside.append(SwapDegradedMedia.meanChange(naive[i], media.frames[i], onFace))
            // Tint: the swapped skin well away from the hand, against the swap of the clean frame.
            let iod = SwapMedia.iodOf(media.landmarks[i])
            let near = RegionFilter.gaussian(Image(width: width, height: height, channels: 1,
                                                   data: media.masks[i].map { $0 ? 1 : 0 }), sigma: 0.3 * iod)
            var sum = SIMD3<Float>(), n: Float = 0
            for p in 0..<(width * height) where skin.data[p] > 0.5 && near.data[p] < 0.02 {
                for c in 0..<3 { sum[c] += Float(out[i].data[3 * p + c]) - Float(plain[i].data[3 * p + c]) }
                n += 1
            }
            if n >= 50 { tint.append(max(abs(sum.x), abs(sum.y), abs(sum.z)) / n) }
            swapped.append(SwapDegradedMedia.meanChange(out[i], media.frames[i]) { x, y in skin.data[y * width + x] > 0.5 && near.data[y * width + x] < 0.02 })
        }
        // On the clean clip the history must not keep the target's face: the swap is (nearly) what the chroma test alone gives.
        for i in media.clean.indices {
            let skin = SwapDegradedMedia.skinMask(media.landmarks[i], width: width, height: height)
            falseKeep.append(SwapDegradedMedia.meanChange(plain[i], plainChroma[i]) { x, y in skin.data[y * width + x] > 0.5 })
        }
        let mean = inside.reduce(0, +) / Float(max(inside.count, 1)), naiveMean = naiveInside.reduce(0, +) / Float(max(naiveInside.count, 1))
        print("skin-coloured hand: change inside mean \(mean) (chroma test only \(naiveMean)) over \(inside.count) frames; "
              + "per frame \(inside.map { ($0 * 10).rounded() / 10 }); tint worst \(tint.max() ?? 0); "
              + "face changed at least \(swapped.min() ?? 0); clean clip, history vs chroma only: worst \(falseKeep.max() ?? 0) levels")
        #expect(inside.count >= 16)
        #expect(naiveMean >= 8)          // the chroma test alone paints the source's face over the hand
        #expect(mean <= 4)
        #expect((tint.max() ?? 99) <= 3)
        #expect((swapped.min() ?? 0) >= 5)   // the face around the hand is still swapped
        #expect((falseKeep.max() ?? 99) <= 0.5)
    }

    @Test func onlyTheFaceBelowTheEyesIsJudgedAgainstItsHistory() {
        let (pts, w, h) = OccluderHistory.layout
        let cell = { (i: Int) -> Int in min(h - 1, max(0, Int(pts[i].y.rounded()))) * w + min(w - 1, max(0, Int(pts[i].x.rounded()))) }
        // Mouth (13, 14), nose tip (1), chin (152), cheeks (50, 280): judged. Forehead (10), brows (105, 334),
        // upper lids (159, 386): not, since expressions move them.
        for i in [13, 14, 1, 152, 50, 280] { #expect(OccluderHistory.judged[cell(i)], "landmark \(i)") }
        for i in [10, 105, 334, 159, 386] { #expect(!OccluderHistory.judged[cell(i)], "landmark \(i)") }
    }
}
