import Foundation
import TestMedia
import Testing

/// No spelling of an input is accepted as an output, for any command and any kind of output.
@Suite struct OutputGuardCLITests {
    @Test func noOutputOverwritesAnInput() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        let photo = dir.appendingPathComponent("photo.png"), clip = dir.appendingPathComponent("clip.mp4")
        let story = dir.appendingPathComponent("story.json")
        try fm.copyItem(at: Media.url("astronaut.png"), to: photo)
        try fm.copyItem(at: Media.url("face.mp4"), to: clip)
        try Data(#"{"duration": 1, "keyframes": [{"time": 0, "subject": "a woman"}]}"#.utf8).write(to: story)
        try fm.createSymbolicLink(at: dir.appendingPathComponent("link.png"), withDestinationURL: photo)
        try fm.linkItem(at: clip, to: dir.appendingPathComponent("hard.mp4"))
        let before = try [photo, clip, story].map { try Data(contentsOf: $0) }
        let p = dir.path
        let cases: [[String]] = [
            ["detect", "\(p)/photo.png", "--annotate", "\(p)/photo.png"],
            ["detect", "\(p)/photo.png", "--annotate", "\(p)/./sub/../photo.png"],
            ["detect", "\(p)/link.png", "--annotate", "\(p)/photo.png"],
            ["detect", "\(p)/clip.mp4", "--annotate", "\(p)/hard.mp4"],
            ["transcode", "\(p)/clip.mp4", "-o", "\(p)/hard.mp4"],
            ["restyle", "\(p)/clip.mp4", "-o", "\(p)/o.mp4", "--style", "toon", "--preview", "\(p)/link.png", "--style-image", "\(p)/photo.png"],
            ["faceswap", "--source", "\(p)/photo.png", "--target", "\(p)/clip.mp4", "-o", "\(p)/o.mp4", "--preview", "\(p)/link.png"],
            ["faceswap", "--source", "\(p)/photo.png", "--target", "\(p)/clip.mp4", "-o", "\(p)/clip.mp4"],
            ["text2video", "--storyboard", "\(p)/story.json", "-o", "\(p)/t.mp4", "--preview", "\(p)/story.json"],
            ["text2video", "--storyboard", "\(p)/story.json", "-o", "\(p)/t.mp4", "--frames", p],
            ["text2video", "a woman", "-o", "\(p)/t.mp4", "--audio", "\(p)/clip.mp4", "--preview", "\(p)/t.mp4"],
        ]
        for args in cases {
            let r = try KinemaCLI.run(args)
            #expect(r.reason == .exit && r.status == 1, "\(args): \(r.stderr)")
            KinemaCLI.expectOneLineError(r, mentioning: "kinema: error: ")
        }
        #expect(try [photo, clip, story].map { try Data(contentsOf: $0) } == before)
        #expect(KinemaCLI.contents(dir) == ["clip.mp4", "hard.mp4", "link.png", "photo.png", "story.json"])
        // A missing output folder is an error, not something text2video creates.
        let r = try KinemaCLI.run(["text2video", "a woman", "--seconds", "1", "--size", "64x64", "-o", "\(p)/no/such/t.mp4"])
        KinemaCLI.expectOneLineError(r, mentioning: "does not exist")
        #expect(!fm.fileExists(atPath: "\(p)/no"))
    }
}
