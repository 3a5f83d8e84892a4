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

    /// A photo whose header declares 16000×16000 pixels, as target or source, is refused from its header
    /// (over the 2 GiB default budget) in one line, before any pixel is decoded; nothing is written.
    @Test func hugePhotosAreRefusedFromTheirHeaders() throws {
        let dir = try KinemaCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        png += [0, 0, 0x3E, 0x80, 0, 0, 0x3E, 0x80, 8, 2, 0, 0, 0] + [UInt8](repeating: 0, count: 64)
        let huge = dir.appendingPathComponent("huge.png")
        try Data(png).write(to: huge)
        let face = Media.url("john-salley-1.png").path
        for (src, tgt) in [(face, huge.path), (huge.path, face)] {
            let r = try KinemaCLI.run(["faceswap", "--source", src, "--target", tgt, "-o", dir.appendingPathComponent("out.png").path])
            KinemaCLI.expectOneLineError(r, mentioning: "16000x16000")
            #expect(KinemaCLI.contents(dir) == ["huge.png"])
        }
    }
}
