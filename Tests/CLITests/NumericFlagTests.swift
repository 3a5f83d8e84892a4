import Foundation
import TestMedia
import Testing

/// Every numeric flag, given values that parse but make no sense (NaN, infinities, negatives, huge): a normal
/// exit with one `kinema: error:` line and no output, never a trap. Also the memory limit's up-front refusal.
@Suite struct NumericFlagTests {
    static let clip = Media.url("face.mp4").path
    static let photo = Media.url("astronaut.png").path

    static let cases: [[String]] = [
        ["restyle", clip, "-o", "OUT", "--style", "toon", "--coherence", "nan"],
        ["restyle", clip, "-o", "OUT", "--style", "toon", "--coherence", "inf"],
        ["restyle", clip, "-o", "OUT", "--style", "toon", "--coherence=-1e300"],
        ["restyle", clip, "-o", "OUT", "--style", "toon", "--crf=-5"],
        ["transcode", clip, "-o", "OUT", "--crf", "9223372036854775807"],
        ["transcode", clip, "-o", "OUT", "--preset", "warp9"],
        ["detect", clip, "--threads", "0"],
        ["detect", clip, "--threads=-9223372036854775808"],
        ["faceswap", "--source", photo, "--target", clip, "-o", "OUT", "--source-face=-1"],
        ["faceswap", "--source", photo, "--target", clip, "-o", "OUT", "--source-face", "9223372036854775807"],
        ["faceswap", "--source", photo, "--target", clip, "-o", "OUT", "--faces", "index", "-3"],
        ["text2video", "a woman", "-o", "OUT", "--seconds", "nan"],
        ["text2video", "a woman", "-o", "OUT", "--seconds", "1e300"],
        ["text2video", "a woman", "-o", "OUT", "--seconds=-inf"],
        ["text2video", "a woman", "-o", "OUT", "--fps", "0"],
        ["text2video", "a woman", "-o", "OUT", "--fps", "9223372036854775807"],
        ["text2video", "a woman", "-o", "OUT", "--size", "0x0"],
        ["text2video", "a woman", "-o", "OUT", "--size", "99999999999999999999x64"],
        ["text2video", "a woman", "-o", "OUT", "--size=-64x-64"],
        ["metrics", "warp-error", clip, clip, "--frames=-1"],
        ["metrics", "warp-error", clip, clip, "--frames", "0"],
        ["transcode", clip, "-o", "OUT", "--crf", "twelve"],
        ["transcode", clip, "-o", "OUT", "--crf"],
    ]

    @Test(arguments: cases) func badNumberIsOneLineError(args: [String]) throws {
        let dir = try KinemaCLI.scratch("flags"); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.mp4").path
        let r = try KinemaCLI.run(args.map { $0 == "OUT" ? out : $0 })
        #expect(r.reason == .exit && r.status == 1, "\(args): status \(r.status) \(r.stderr)")
        KinemaCLI.expectOneLineError(r, mentioning: "kinema: error: ")
        #expect(KinemaCLI.contents(dir).isEmpty)
    }

    /// With the limit lowered to 64 MB a 1280×720 clip is over budget: refused before any output exists.
    @Test(arguments: ["restyle", "transcode", "faceswap", "detect"]) func overTheMemoryLimitIsRefusedUpFront(command: String) throws {
        let dir = try KinemaCLI.scratch("memory"); defer { try? FileManager.default.removeItem(at: dir) }
        let clip = Media.url("bigbuckbunny.mp4").path, out = dir.appendingPathComponent("o.mp4").path
        let args: [String] = switch command {
        case "restyle": ["restyle", clip, "-o", out, "--style", "toon"]
        case "transcode": ["transcode", clip, "-o", out]
        case "faceswap": ["faceswap", "--source", Self.photo, "--target", clip, "-o", out]
        default: ["detect", clip, "--annotate", out]
        }
        let r = try KinemaCLI.run(args, environment: ["KINEMA_MEMORY_LIMIT_MB": "64"])
        KinemaCLI.expectOneLineError(r, mentioning: "1280x720 frames need about")
        #expect(r.stderr.contains("over the 64 MB memory limit"))
        #expect(KinemaCLI.contents(dir).isEmpty)
    }
}
