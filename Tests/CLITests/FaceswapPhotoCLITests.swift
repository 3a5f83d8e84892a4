import Foundation
import Testing
import TestMedia
import VideoIO

/// `kinema faceswap` on a photo target, and with several source photos, as a user runs it.
@Suite struct FaceswapPhotoCLITests {
    @Test func photoTargetWritesALabelledImageAndSeveralSourcesAreReported() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = Media.url("john-salley-1.png"), out = dir.appendingPathComponent("swapped.jpg")
        let sources = ["--source", Media.url("breakingbad-left.png").path, "--source", Media.url("breakingbad-right.png").path]
        let r = try KinemaCLI.run(["faceswap"] + sources + ["--target", target.path, "-o", out.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["swapped"] as? Int == 1)
        #expect(json["sources"] as? [Int] == [0])   // the frontal photo for a frontal face
        #expect(try ImageFile.readLabel(out)?.hasPrefix("synthetic media: face replaced by kinema") == true)
        #expect(KinemaCLI.contents(dir) == ["swapped.jpg"])

        // A photo target needs an image output name; nothing is written.
        let bad = try KinemaCLI.run(["faceswap"] + sources + ["--target", target.path, "-o", dir.appendingPathComponent("x.mp4").path])
        #expect(bad.status != 0 && bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        #expect(KinemaCLI.contents(dir) == ["swapped.jpg"])

        // Clips report the photo used per frame.
        let clip = dir.appendingPathComponent("swap.mp4")
        let v = try KinemaCLI.run(["faceswap"] + sources + ["--target", Media.url("face.mp4").path, "-o", clip.path, "--json", "--quiet"])
        #expect(v.status == 0, "\(v.stderr)")
        let vj = try #require(v.json)
        let frames = try #require(vj["perFrame"] as? [[String: Any]])
        #expect(frames.count == 64 && frames.allSatisfy { ($0["sources"] as? [Int]) == [0] })
    }
}
