import ArgumentParser
import Foundation
import VideoIO

/// `kinema transcode IN -o OUT`: decode → RGB → encode, keeping the audio.
struct TranscodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcode",
        abstract: "Re-encode a video through the RGB path (H.264/HEVC/VP9), keeping its audio.")

    @Argument(help: "Input video.")
    var input: String

    @Option(name: .shortAndLong, help: "Output file (.mp4, .mov, .mkv or .webm).")
    var output: String

    @Option(help: "Resize frames to WxH (e.g. 640x360).")
    var size: FrameSize?

    @OptionGroup var encoding: EncodingOptions

    @OptionGroup var segmenting: SegmentOption

    /// Container tags carried over from the input (technical ones are rewritten by the muxer).
    static let keptTags: Set<String> = ["title", "comment", "artist", "album", "date", "copyright", "description"]

    func run() throws {
        try runCommand {
            try guardOutputs([output], inputs: [input])
            let segment = try segmenting.request()
            let inURL = URL(fileURLWithPath: input), outURL = URL(fileURLWithPath: output)
            let reader = try VideoReader(url: inURL)
            let m = reader.metadata
            let width = size?.width ?? m.width, height = size?.height ?? m.height
            try checkMemory(width: max(width, m.width), height: max(height, m.height), input: input, job: "transcode",
                            bytesPerPixel: 30, writesVideo: true)
            // Always pin the output size: a stream that changes resolution midway is scaled to it.
            reader.outputSize = (width, height)
            var config = encoding.writerConfig(output: outURL, width: width, height: height, fps: m.fps)
            config.audioSource = m.hasAudio ? inURL : nil
            config.inputs = [inURL]
            config.rotation = m.rotation
            config.displayMatrix = m.displayMatrix  // a mirrored clip keeps its mirror, not just a half turn
            config.variableFrameRate = true  // follow the source's timestamps (VFR stays VFR)
            config.tags = m.tags.filter { Self.keptTags.contains($0.key) }
            // Transcoding keeps no state between frames: a part needs no warm-up.
            let window = try segment?.prepare(reader: reader, config: &config, warmUp: 0, lookAhead: 0)
            let writer = try VideoWriter(url: outURL, config: config)
            window?.apply(to: writer)
            let bar = ProgressBar(label: "transcode", total: m.frameCount, quiet: encoding.quiet)
            defer { bar.finish() }
            let result = try VideoPipeline.run(reader: reader, writer: writer, process: { $0.image },
                                               progress: bar.pipelineCallback)
            bar.finish()
            var summary = "wrote \(output): \(result.frames) frames \(writer.encodedWidth)x\(writer.encodedHeight)"
            summary += " \(config.codec.rawValue) crf \(config.crf ?? config.codec.defaultCRF), audio \(writer.audioMode)"
            if writer.padding.right > 0 || writer.padding.bottom > 0 {
                summary += ", padded from \(width)x\(height) to even size"
            }
            summary += String(format: " (%.1f s, %.1f fps)", result.seconds, result.fps)
            print(summary)
        }
    }
}
