import Foundation
import TestMedia
import Testing

/// Real processes, real signals: Ctrl-C leaves nothing behind (but text2video's resume cache), `kill -9` leaves a
/// run that `--resume` finishes to the same bytes, and the rerun sweeps the dead process's temporary file.
@Suite(.serialized) struct InterruptCLITests {
    static let prompt = "a woman then she smiles then turns to the left"

    static func text2video(_ out: URL, _ extra: [String] = []) -> [String] {
        ["text2video", prompt, "--size", "512x512", "--fps", "24", "--seconds", "4", "-o", out.path] + extra
    }

    @Test func killedText2VideoResumesToTheSameBytes() throws {
        let a = try KinemaCLI.scratch("reference"), b = try KinemaCLI.scratch("killed")
        defer { for d in [a, b] { try? FileManager.default.removeItem(at: d) } }
        let reference = try KinemaCLI.run(Self.text2video(a.appendingPathComponent("t.mp4")))
        #expect(reference.status == 0, "\(reference.stderr)")

        let out = b.appendingPathComponent("t.mp4")
        let cache = b.appendingPathComponent("t.mp4.kinema-resume")
        let killed = try KinemaCLI.run(Self.text2video(out), signal: SIGKILL, interruptWhen: {
            KinemaCLI.contents(cache).contains { $0.hasPrefix("batch-") }
        })
        try #require(killed.reason == .uncaughtSignal && killed.status == SIGKILL, "the run must die by SIGKILL mid-way")
        let left = KinemaCLI.contents(b)
        #expect(left.contains("t.mp4.kinema-resume") && !left.contains("t.mp4"), "\(left)")
        #expect(left.contains { $0.hasPrefix(".t.mp4.") && $0.hasSuffix(".part.mp4") }, "a killed process cannot clean up: \(left)")

        let resumed = try KinemaCLI.run(Self.text2video(out, ["--resume", "--json"]))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect((resumed.json?["resumedBatches"] as? Int ?? 0) >= 1, "\(resumed.stdout)")
        #expect(try Data(contentsOf: out) == Data(contentsOf: a.appendingPathComponent("t.mp4")))
        // The dead process's .part file and the cache are gone.
        #expect(KinemaCLI.contents(b) == ["t.mp4"])
    }

    /// Each long command, interrupted once its output is under way: exit 130 and an empty folder.
    @Test(arguments: ["restyle", "faceswap", "detect", "text2video"]) func ctrlCLeavesNothing(command: String) throws {
        let dir = try KinemaCLI.scratch("sigint\(command)"); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.mp4")
        let frames = dir.appendingPathComponent("frames")
        let args: [String]
        switch command {
        case "restyle": args = ["restyle", Media.url("bigbuckbunny.mp4").path, "-o", out.path, "--style", "oil",
                                "--preview", dir.appendingPathComponent("p.png").path]
        case "faceswap": args = ["faceswap", "--source", Media.url("astronaut.png").path, "--target",
                                 Media.url("face_audio.mp4").path, "-o", out.path, "--preview", dir.appendingPathComponent("p.png").path]
        case "detect": args = ["detect", Media.url("bigbuckbunny.mp4").path, "--annotate", out.path]
        default: args = Self.text2video(out, ["--frames", frames.path, "--preview", dir.appendingPathComponent("p.png").path])
        }
        let r = try KinemaCLI.run(args, interruptWhen: {
            command == "text2video" ? !KinemaCLI.contents(frames).isEmpty
                : KinemaCLI.contents(dir).contains { $0.hasSuffix(".part.mp4") }
        })
        #expect(r.reason == .exit && r.status == 130, "status \(r.status): \(r.stderr)")
        let allowed: Set<String> = command == "text2video" ? ["o.mp4.kinema-resume"] : []
        #expect(Set(KinemaCLI.contents(dir)).subtracting(allowed).isEmpty, "left \(KinemaCLI.contents(dir))")
        #expect(!r.stderr.contains("\r"))
    }
}
