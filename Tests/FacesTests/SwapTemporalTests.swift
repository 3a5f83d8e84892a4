import Flow
import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// Flicker and the occluder on encoded footage: the temporal carry (`TemporalCarry`), the exact put-back of
/// kept and covered pixels after the pyramid blend, and the swap's default output quality. Real faces:
/// clips/face.mp4 with dlib's John Shimkus as the source (see `SwapDegradedMedia`).
@Suite(.serialized) struct SwapTemporalTests {
    /// E_warp (Lai et al.) of `frames` with flow and occlusion from `original`.
    static func warpError(original: [ByteImage], processed: [ByteImage]) throws -> (processed: Double, original: Double) {
        var meter = WarpErrorMeter(streams: 1, preset: .medium)
        for (o, p) in zip(original, processed) { try meter.add(original: Image(o), processed: [Image(p)]) }
        return (try meter.values()[0], try meter.originalValue())
    }

    @Test func temporalCarryCutsTheSwapsFlickerWithoutGhosting() throws {
        // The 176×144 side-lit variant: a small face, where the painted texture shimmers most.
        let input = try SwapDegradedMedia.smallSideLit.get()
        var off = FaceSwapConfig()
        off.options.temporalCarry = 0
        let plain = try SwapDegradedMedia.swap(input, config: off)
        let carried = try SwapDegradedMedia.swap(input)
        let ePlain = try Self.warpError(original: input, processed: plain)
        let eCarry = try Self.warpError(original: input, processed: carried)
        let rPlain = ePlain.processed / ePlain.original, rCarry = eCarry.processed / eCarry.original
        // Ghosting: the carried face stays near the fresh render (a lagging face would differ by tens of levels).
        var worst: Float = 0, outside = 0, outsideMax = 0
        let lms = try SwapMedia.landmarks(input)
        for i in input.indices {
            let lm = try #require(lms[i])
            let skin = SwapDegradedMedia.skinMask(lm, width: 176, height: 144)
            worst = max(worst, SwapDegradedMedia.meanChange(carried[i], plain[i]) { x, y in skin.data[y * 176 + x] > 0.5 })
            // Where the swap changed nothing (no pixel within 2 px changed; a lone swapped pixel can equal the
            // target's by chance), the carry changes nothing either.
            var changed = [Bool](repeating: false, count: 176 * 144)
            for p in changed.indices {
                let a = plain[i].data, b = input[i].data
                changed[p] = a[3 * p] != b[3 * p] || a[3 * p + 1] != b[3 * p + 1] || a[3 * p + 2] != b[3 * p + 2]
            }
            for y in 0..<144 { for x in 0..<176 {
                var near = false
                for yy in max(0, y - 2)...min(143, y + 2) { for xx in max(0, x - 2)...min(175, x + 2) where changed[yy * 176 + xx] { near = true } }
                if near { continue }
                for c in 0..<3 {
                    let d = abs(Int(carried[i].data[3 * (y * 176 + x) + c]) - Int(input[i].data[3 * (y * 176 + x) + c]))
                    if d > 0 { outside += 1; outsideMax = max(outsideMax, d) }
                }
            } }
        }
        print("E_warp ratio without carry \(rPlain), with carry \(rCarry); carried vs fresh render worst \(worst) levels; "
              + "pixels the swap left untouched changed by the carry: \(outside) (at most \(outsideMax) levels)")
        #expect(rCarry - 1 <= 0.7 * (rPlain - 1))   // at least 30 % of the swap's own flicker gone
        #expect(rCarry <= 1.4)
        #expect(worst <= 3)
        #expect(outside == 0)
    }

    @Test func occluderOnAnEncodedSmallClipAtTheDefaultQuality() throws {
        // The small side-lit clip with the disc (scaled from the clean frames' discs), encoded as a user's clip
        // would be (crf 18), then swapped through the pipeline at its default quality and decoded again.
        let small = try SwapDegradedMedia.smallSideLit.get(), discs = try SwapDegradedMedia.smallDiscs()
        let occluded = SwapDegradedMedia.painted(small, discs: discs, rgb: (40, 70, 210))
        var wc = VideoWriterConfig(width: 176, height: 144, fps: Rational(25, 1), crf: 18, preset: "veryfast")
        func encode(_ frames: [ByteImage], _ name: String) throws -> URL {
            let url = SwapMedia.tmp.appendingPathComponent(name)
            let w = try VideoWriter(url: url, config: wc)
            for f in frames { try w.write(f) }
            try w.finish()
            return url
        }
        let occURL = try encode(occluded, "occ-small.mp4"), cleanURL = try encode(small, "clean-small.mp4")
        func swap(_ url: URL, _ name: String, config: FaceSwapConfig = FaceSwapConfig()) throws -> [ByteImage] {
            let out = SwapMedia.tmp.appendingPathComponent(name)
            try FaceSwapPipeline.run(source: try SwapDegradedMedia.source.get(), landmarks: try SwapMedia.mesh.get(), target: url,
                                     output: out, config: config, version: "test")
            return try SwapMedia.frames(out)
        }
        let input = try SwapMedia.frames(occURL)
        let out = try swap(occURL, "occ-small-swap.mp4"), plain = try swap(cleanURL, "clean-small-swap.mp4")
        // The plain re-encode at the same default quality: the codec's own share of the change.
        wc.crf = FaceSwapPipeline.defaultCRF(for: .h264, width: 176, height: 144)
        let re = try SwapMedia.frames(try encode(input, "occ-small-re.mp4"))
        var inside: [Float] = [], floor: [Float] = [], tint: Float = 0, tintMean = SIMD3<Float>()
        let lms = try SwapMedia.landmarks(small)
        for i in input.indices {
            let d = discs[i]
            let disc = { (x: Int, y: Int) in SwapDegradedMedia.inDisc(x, y, d, shrink: 1.5) }
            inside.append(SwapDegradedMedia.meanChange(out[i], input[i], disc))
            floor.append(SwapDegradedMedia.meanChange(re[i], input[i], disc))
            let skin = SwapDegradedMedia.skinMask(try #require(lms[i]), width: 176, height: 144)
            var sum = SIMD3<Float>(), n: Float = 0
            for y in 0..<144 { for x in 0..<176 where skin.data[y * 176 + x] > 0.5 && !SwapDegradedMedia.inDisc(x, y, d, shrink: -0.6 * d.r) {
                let o = (y * 176 + x) * 3
                for c in 0..<3 { sum[c] += Float(out[i].data[o + c]) - Float(plain[i].data[o + c]) }
                n += 1
            } }
            let t = sum / max(n, 1)
            tint = max(tint, abs(t.x), abs(t.y), abs(t.z))
            tintMean += t / Float(input.count)
        }
        let mean = inside.reduce(0, +) / Float(inside.count), floorMean = floor.reduce(0, +) / Float(floor.count)
        print("encoded 176x144 occluder: change inside mean \(mean) worst \(inside.max() ?? 0) levels "
              + "(plain re-encode at the same crf \(floorMean)); face tint vs clean swap worst \(tint), mean \(tintMean) levels")
        #expect(FaceSwapPipeline.defaultCRF(for: .h264, width: 1280, height: 720) == 18)
        #expect(FaceSwapPipeline.defaultCRF(for: .h264, width: 176, height: 144) == 14)
        #expect(mean <= 4)
        // The swap itself leaves the disc alone; the rest is the codec. Whole suite runs differ here: over six runs
        // the excess measured 0.17–0.39, the nearest any FacesTests bound came to its limit (one run in seven
        // failed with one issue that was not captured; the CLI's output is identical run to run).
        #expect(mean - floorMean <= 0.75)
        #expect((inside.max() ?? 99) <= 6)
        // The swapped skin turns 2–3.5 levels bluer on frames where the disc covers the mouth (the in-memory
        // test of SwapRobustnessTests measures 2.6 worst; the encode adds noise and runs differ by ±0.2):
        // the statistics are taken over a region without the lower face then, whose mean differs.
        #expect(tint <= 4.5)
        #expect(max(abs(tintMean.x), abs(tintMean.y), abs(tintMean.z)) <= 3)
    }
}

