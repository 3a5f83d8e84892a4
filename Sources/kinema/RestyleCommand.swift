import ArgumentParser
import Foundation
import Flow
import Restyle
import VideoIO

extension Style: ExpressibleByArgument {}
extension DISPreset: ExpressibleByArgument {}
extension PalettePreset: ExpressibleByArgument {}

/// `kinema restyle IN -o OUT --style S`: temporally coherent stylisation.
struct RestyleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restyle",
        abstract: "Restyle a video or photo (anime, toon, oil, sketch, watercolor, palette, 26 learned paintings) without flicker.",
        discussion: PaintingCatalogue.helpText + "\n\nWithout --crf, the clip is written 9 below the codec's default (H.264 crf 14, tuned for animation): "
            + "the encoder's noise would otherwise shimmer in a look's flat washes and thin lines, and undo much of what the coherence steadies.")

    @Argument(help: "Input video, or a photo (.png, .jpg).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file (.mp4, .mov, .mkv or .webm; .png or .jpg for a photo).")
    var output: String

    @Option(help: "Look: \(Style.allCases.filter { $0 != .painting }.map(\.rawValue).joined(separator: ", ")), painting:K (K = 1...26, listed above) or a blend painting:3=0.5,12=0.5.")
    var style: String

    @Option(help: "Mix the look over the original, 0...1 (1 = the look alone).")
    var mix: Float = 1

    @Option(help: "Temporal coherence 0...1 (0 = independent frames).")
    var coherence: Float = CoherenceParameters().coherence

    @Option(help: "Reference picture: the style itself for --style neural; otherwise colour/tone transfer, and the palette for --style palette.")
    var styleImage: String?

    @Option(help: "Palette preset for --style palette without --style-image: \(PalettePreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var palette: String = PalettePreset.ukiyoE.rawValue

    @Option(help: "Write a before/after contact sheet (PNG) here.")
    var preview: String?

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    @OptionGroup var encoding: EncodingOptions

    @OptionGroup var segmenting: SegmentOption

    func run() throws {
        try runCommand {
            try guardOutputs([output, preview], inputs: [input, styleImage])
            let segment = try segmenting.request()
            let outURL = URL(fileURLWithPath: output)
            let previewURL = preview.map { URL(fileURLWithPath: $0) }
            let request = RestyleRequest(input: URL(fileURLWithPath: input), output: outURL, style: style,
                                         coherence: coherence, styleImage: styleImage.map { URL(fileURLWithPath: $0) },
                                         palette: palette, preview: previewURL, mix: mix)
            // Everything that can fail on the user's inputs is checked before any output exists.
            let job = try request.prepare()
            if let p = previewURL { OutputCleanup.register(p.path) }
            let meta = try VideoReader(url: request.input).metadata
            try checkMemory(width: meta.width, height: meta.height, input: input, job: "restyle", bytesPerPixel: 60, writesVideo: true)
            let total = meta.frameCount
            let bar = ProgressBar(label: "restyle \(style)", total: total, quiet: encoding.quiet || json)
            defer { bar.finish() }
            let summary = try job.run(
                makeConfig: { m in
                    var c = encoding.writerConfig(output: outURL, width: m.width, height: m.height, fps: m.fps)
                    c.tags = ["comment": "restyled by kinema \(KinemaVersion.string) (style \(style), coherence \(coherence))"]
                    return c
                },
                segment: segment,
                progress: { p in bar.update(done: p.framesDone, total: p.framesTotal) })
            if let p = previewURL { OutputCleanup.unregister(p.path) }
            bar.finish()
            if json {
                try printJSON(RestyleReport(summary: summary, output: output, style: style, coherence: coherence, mix: mix, preview: preview))
            } else {
                print(String(format: "wrote %@: %d frames %dx%d, style %@, coherence %.2f, %d cut(s), audio %@ (%.1f s, %.1f fps)",
                             output, summary.frames, summary.width, summary.height, style, coherence,
                             summary.cuts, summary.audio, summary.seconds, summary.fps))
                if let p = preview { print("preview: \(p)") }
            }
        }
    }
}

/// `kinema restyle --json`: the library's summary with what was asked beside it, so a script that runs many
/// restyles can tell the reports apart.
private struct RestyleReport: Encodable {
    let summary: RestyleSummary
    let output: String, style: String, coherence: Float, mix: Float, preview: String?

    private enum Key: String, CodingKey { case output, style, coherence, mix, preview }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(output, forKey: .output)
        try c.encode(style, forKey: .style)
        try c.encode(coherence, forKey: .coherence)
        try c.encode(mix, forKey: .mix)
        try c.encodeIfPresent(preview, forKey: .preview)
    }
}

/// `kinema metrics warp-error ORIGINAL PROCESSED`: temporal warping error (Lai et al. 2018).
struct WarpErrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warp-error",
        abstract: "Temporal warping error E_warp of a processed video, with flow and occlusion from the original.")

    @Argument(help: "The original video (flow and occlusion are computed on it).")
    var original: String

    @Argument(help: "The processed video (same size).")
    var processed: String

    @Option(help: "Flow preset: ultrafast, fast, medium.")
    var flow: DISPreset = .medium

    @Option(help: "Measure at most this many frames.")
    var frames: Int?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try runCommand {
            for p in [original, processed] where !FileManager.default.fileExists(atPath: p) {
                throw CommandError("no such file: \(p)")
            }
            let r = try WarpErrorResult.measure(original: URL(fileURLWithPath: original),
                                                processed: URL(fileURLWithPath: processed),
                                                preset: flow, maxFrames: frames)
            if json {
                try printJSON(r)
            } else {
                print(String(format: "E_warp processed %.6f", r.processed))
                print(String(format: "E_warp original  %.6f", r.original))
                print(String(format: "ratio processed/original %.2f over %d frame pairs (%.1f%% of pixels occluded)",
                             r.original > 0 ? r.processed / r.original : 0, r.pairs, 100 * r.occludedFraction))
            }
        }
    }
}
