import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// Several source photos (the one nearest the target's head pose is used, and reported), and photo
/// targets (same pipeline, written atomically with the synthetic-media label).
@Suite(.serialized) struct SwapSourcesAndPhotoTests {
    /// A frontal-ish photo (breakingbad-left, yaw ≈ −9°) and a turned one (breakingbad-right, yaw ≈ −43°).
    static let sources = Result {
        try ["breakingbad-left.png", "breakingbad-right.png"].map {
            try SourceFace.detect(in: ImageFile.read(SwapMedia.clip($0)), using: SwapMedia.mesh.get())
        }
    }

    @Test func sourcePhotoNearestInPoseIsChosenWithHysteresis() throws {
        let src = try Self.sources.get()
        let choice = SourceChoice(sources: src)
        #expect(choice.poses[0].x > -20 && choice.poses[1].x < -30)
        let photo = try ImageFile.read(SwapMedia.clip("astronaut.png"))
        let lm = try #require(try SwapMedia.mesh.get().detectFaces(in: photo).first).points
        let frontal = SwapRobustnessTests.turned(lm, toYaw: -5)
        let turned = SwapRobustnessTests.turned(lm, toYaw: -40)
        #expect(choice.pick(for: frontal, current: nil) == 0)
        #expect(choice.pick(for: turned, current: nil) == 1)
        #expect(choice.pick(for: turned, current: 0) == 1)
        // A head turning slowly from frontal to turned and back switches photo once each way, not
        // back and forth around the halfway pose.
        var current: Int? = nil, switches = 0
        for yaw in Array(stride(from: Float(-2), through: -46, by: -0.5)) + Array(stride(from: Float(-46), through: -2, by: 0.5)) {
            let pick = choice.pick(for: SwapRobustnessTests.turned(lm, toYaw: yaw), current: current)
            if let c = current, c != pick { switches += 1 }
            current = pick
        }
        #expect(switches == 2)
    }

    @Test func clipFramesReportTheSourceUsed() throws {
        let frames = Array(try SwapMedia.frames(SwapMedia.clip("face.mp4")).prefix(6))
        let s = FaceSwapSession(sources: try Self.sources.get(), landmarks: try SwapMedia.mesh.get(), config: FaceSwapConfig(), fps: 25)
        var out: [SwappedFrame] = []
        for (i, f) in frames.enumerated() { out += try s.push(f, index: i) }
        out += try s.finish()
        #expect(out.count == frames.count)
        // The astronaut faces the camera: the frontal photo is used on every frame.
        for o in out { #expect(o.report.sources == [0]) }
    }

    @Test func photoTargetIsSwappedAndLabelled() throws {
        let target = SwapMedia.clip("john-salley-1.png")
        let input = try ImageFile.read(target)
        let lm = try #require(try SwapMedia.mesh.get().detectFaces(in: input).first).points
        let skin = SwapDegradedMedia.skinMask(lm, width: input.width, height: input.height)
        let face = try SourceFace.detect(in: ImageFile.read(SwapMedia.sourcePhoto), using: SwapMedia.mesh.get())
        for ext in ["png", "jpg"] {
            let out = SwapMedia.tmp.appendingPathComponent("photo-swap.\(ext)")
            let rep = try FaceSwapPipeline.swapStill(sources: [face], landmarks: try SwapMedia.mesh.get(), target: target, output: out,
                                                     config: FaceSwapConfig(), version: "test")
            #expect(rep.faces == 1 && rep.swapped == 1 && rep.sources == [0])
            #expect(try ImageFile.readLabel(out) == FaceSwapPipeline.label(version: "test"))
            let img = try ImageFile.read(out)
            #expect(img.width == input.width && img.height == input.height)
            let inside = SwapDegradedMedia.meanChange(img, input) { x, y in skin.data[y * input.width + x] > 0.5 }
            // Far corner (grey padding, well outside the face): PNG untouched, JPEG within its own noise.
            let corner = SwapDegradedMedia.meanChange(img, input) { x, y in x < 30 && y < 30 }
            print("photo target .\(ext): face changed \(inside) levels, corner \(corner)")
            #expect(inside > 8)
            #expect(corner <= (ext == "png" ? 0 : 2))
            // The same file as output and input is refused, and the input stays as it was.
            #expect(throws: (any Error).self) {
                try FaceSwapPipeline.swapStill(sources: [face], landmarks: try SwapMedia.mesh.get(), target: out, output: out,
                                               config: FaceSwapConfig(), version: "test")
            }
            #expect(try ImageFile.read(out).data == img.data)
        }
    }
}
