import ArgumentParser
import Foundation
import VideoIO

extension VideoCodec: ExpressibleByArgument {}

/// A `WxH` frame size given on the command line.
struct FrameSize: ExpressibleByArgument, Equatable, CustomStringConvertible {
    /// Width in pixels.
    let width: Int
    /// Height in pixels.
    let height: Int

    /// Parses "640x360" (also "640X360").
    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              (1...16384).contains(w), (1...16384).contains(h) else { return nil }
        width = w
        height = h
    }

    var description: String { "\(width)x\(height)" }
}

/// Output encoding options shared by every command that writes a video:
/// `--codec`, `--crf`, `--preset`, `--quiet`. Add with `@OptionGroup var encoding: EncodingOptions`.
struct EncodingOptions: ParsableArguments {
    @Option(help: "Video codec: h264 (MP4), hevc (MP4) or vp9 (WebM). Default: from the output extension.")
    var codec: VideoCodec?

    @Option(help: "Constant rate factor; lower is better quality (default: the codec's own, 23 h264, 28 hevc, 32 vp9, unless the command's help says otherwise).")
    var crf: Int?

    @Option(help: "Encoder preset: ultrafast ... veryslow (default: medium; faceswap veryfast, text2video fast).")
    var preset: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    /// The codec to use for `output`: the explicit one, else VP9 for .webm and H.264 otherwise.
    func resolvedCodec(for output: URL) -> VideoCodec {
        if let codec { return codec }
        return output.pathExtension.lowercased() == "webm" ? .vp9 : .h264
    }

    /// A writer configuration for frames of the given size and rate.
    func writerConfig(output: URL, width: Int, height: Int, fps: Rational) -> VideoWriterConfig {
        VideoWriterConfig(width: width, height: height, fps: fps, codec: resolvedCodec(for: output),
                          crf: crf, preset: preset ?? "medium")
    }
}
