import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// `--reference`: with two real people in the frame, only the one who looks like the reference
/// photo is replaced, on every frame, under one track id. Each reference is a different photo of
/// that person from the one in the frames (dlib's johns: two photos each of John Salley and John Shimkus).
@Suite(.serialized) struct SwapReferenceTests {
    /// Frames holding two people side by side on a grey gutter: John Salley (photo 1, drifting a few
    /// pixels per frame, left) and John Shimkus (photo 1, still, right).
    static let frames: Result<[ByteImage], Error> = Result {
        let left = Image(try ImageFile.read(SwapMedia.clip("john-salley-1.png")))
        let right = Image(try ImageFile.read(SwapMedia.clip("john-shimkus-1.png")))
        return (0..<8).map { i in
            var wide = Image(width: 600, height: 256, channels: 3, fill: 0.5)
            wide.paste(left, x: 4 + 2 * i, y: i)
            wide.paste(right, x: 344, y: 0)
            return ByteImage(wide)
        }
    }

    /// Descriptor of the only face in a photo.
    static func descriptor(_ url: URL) throws -> FaceDescriptor {
        let img = SourceFace.rgb(try ImageFile.read(url))
        let face = try #require(try SwapMedia.mesh.get().detectFaces(in: img).first)
        return FaceDescriptor(image: img, landmarks: face.points)
    }

    /// Swaps `source` onto the face most like `reference`; returns, per frame, how many pixels
    /// changed left and right of the gutter's middle, and the replaced track ids.
    static func run(source: URL, reference: URL) throws -> [(left: Int, right: Int, ids: [Int])] {
        var cfg = FaceSwapConfig()
        cfg.reference = try descriptor(reference)
        let face = try SourceFace.detect(in: ImageFile.read(source), using: SwapMedia.mesh.get())
        let s = FaceSwapSession(source: face, landmarks: try SwapMedia.mesh.get(), config: cfg, fps: 25)
        let input = try frames.get()
        var out: [SwappedFrame] = []
        for (i, f) in input.enumerated() { out += try s.push(f, index: i) }
        out += try s.finish()
        return out.map { o in
            let a = input[o.report.index], b = o.image
            var left = 0, right = 0
            for p in 0..<(a.width * a.height) where a.data[3 * p] != b.data[3 * p] || a.data[3 * p + 1] != b.data[3 * p + 1]
                || a.data[3 * p + 2] != b.data[3 * p + 2] {
                if p % a.width < 300 { left += 1 } else { right += 1 }
            }
            return (left, right, o.report.trackIDs)
        }
    }

    @Test func referencePicksThePersonItShows() throws {
        let input = try Self.frames.get()
        #expect(try SwapMedia.mesh.get().detectFaces(in: input[0]).count == 2)
        // Reference: another photo of John Salley. The DCGAN face replaces him; John Shimkus is untouched.
        let salley = try Self.run(source: SwapMedia.sourcePhoto, reference: SwapMedia.clip("john-salley-2.png"))
        // Reference: another photo of John Shimkus. He is replaced; John Salley is untouched.
        let shimkus = try Self.run(source: SwapMedia.sourcePhoto, reference: SwapMedia.clip("john-shimkus-2.png"))
        #expect(salley.count == input.count && shimkus.count == input.count)
        for (name, run, wantLeft) in [("salley", salley, true), ("shimkus", shimkus, false)] {
            let ids = Set(run.flatMap(\.ids))
            print("swap reference \(name): changed pixels left/right per frame \(run.map { "\($0.left)/\($0.right)" }), ids \(ids)")
            #expect(ids.count == 1)
            for r in run {
                #expect(r.ids.count == 1)
                let (hit, miss) = wantLeft ? (r.left, r.right) : (r.right, r.left)
                #expect(hit > 3000)
                #expect(miss == 0)
            }
        }
    }
}
