import Foundation
import VideoIO

/// One `kinema restyle` invocation as plain values (names and paths as the user typed them), so
/// the command's checks and run live in the library and can be tested without a process.
///
/// `prepare()` checks everything that can be wrong with the user's inputs before any output file
/// exists: coherence and mix ranges, the style (name, painting syntax), palette name, that the input
/// exists, the output path of a photo, and the style image. A PNG or JPEG input is restyled as a photo.
public struct RestyleRequest: Sendable {
    /// Input video.
    public var input: URL
    /// Output video.
    public var output: URL
    /// Style as typed: a `Style` name, `painting:K` or a blend `painting:3=0.5,12=0.5` (see `StyleSpec`).
    public var style: String
    /// Temporal coherence weight, 0…1.
    public var coherence: Float
    /// Optional reference picture (colour transfer, and the palette of `palette`).
    public var styleImage: URL?
    /// Palette preset name for `palette` without a style image (a `PalettePreset` raw value).
    public var palette: String
    /// Optional before/after contact sheet to write.
    public var preview: URL?
    /// 0…1: the look mixed over the original (1 = the look alone).
    public var mix: Float = 1

    /// Creates a request; defaults follow `CoherenceParameters` and `StyleSettings`.
    public init(input: URL, output: URL, style: String, coherence: Float = CoherenceParameters().coherence,
                styleImage: URL? = nil, palette: String = PalettePreset.ukiyoE.rawValue, preview: URL? = nil, mix: Float = 1) {
        self.input = input; self.output = output; self.style = style; self.coherence = coherence
        self.styleImage = styleImage; self.palette = palette; self.preview = preview; self.mix = mix
    }

    /// Checks the request and returns the job to run, with the style image loaded.
    /// - Throws: `RestyleError.badCoherence`, `.badMix`, `.unknownStyle`, `.badStyleSpec`, `.unknownPalette`,
    ///   `.noSuchInput`, `.badOutput` (photo), `.badStyleImage` or `.styleImageTooSmall`, in that order of checking.
    public func prepare() throws -> RestyleJob {
        guard (0...1).contains(coherence) else { throw RestyleError.badCoherence(coherence) }
        guard (0...1).contains(mix) else { throw RestyleError.badMix(mix) }
        let spec = try StyleSpec(parsing: style)
        guard let preset = PalettePreset(rawValue: palette.lowercased()) else { throw RestyleError.unknownPalette(palette) }
        guard FileManager.default.fileExists(atPath: input.path) else { throw RestyleError.noSuchInput(path: input.path) }
        if RestylePhoto.isImage(input) { try RestylePhoto.checkOutput(input: input, output: output) }
        if spec.style == .neural && styleImage == nil { throw RestyleError.neuralNeedsStyleImage }
        let reference = try styleImage.map { try RestylePipeline.loadStyleImage($0) }
        var settings = StyleSettings(style: spec.style, styleImage: reference, palettePreset: preset)
        settings.paintingWeights = spec.paintingWeights
        settings.mix = mix
        settings.steadyLearnedTexture = coherence > 0
        return RestyleJob(request: self, settings: settings, coherence: CoherenceParameters(coherence: coherence))
    }

    /// Whether the input is a still photo (PNG or JPEG by extension).
    public var isPhoto: Bool { RestylePhoto.isImage(input) }
}

/// A checked `RestyleRequest`, ready to run.
public struct RestyleJob: Sendable {
    /// What was asked.
    public let request: RestyleRequest
    /// The styliser settings (style image loaded).
    public let settings: StyleSettings
    /// The coherence parameters.
    public let coherence: CoherenceParameters

    /// Runs `RestylePipeline.run` on the request's files, or `RestylePhoto.run` for a photo
    /// (one frame; no preview, coherence does not apply).
    /// - Throws: `VideoIOError` from reading or writing, `RestyleError.emptyVideo`, model loading errors.
    @discardableResult
    public func run(makeConfig: (VideoMetadata) -> VideoWriterConfig, segment: SegmentRequest? = nil,
                    progress: (@Sendable (RestyleProgress) -> Void)? = nil) throws -> RestyleSummary {
        if request.isPhoto {
            let start = Date()
            let out = try RestylePhoto.run(input: request.input, output: request.output, settings: settings,
                                           label: "restyled by kinema (style \(request.style), mix \(request.mix))")
            let t = Date().timeIntervalSince(start)
            progress?(RestyleProgress(framesDone: 1, framesTotal: 1, elapsed: t))
            return RestyleSummary(frames: 1, seconds: t, fps: t > 0 ? 1 / t : 0, cuts: 0, meanValidFraction: 0,
                                  width: out.width, height: out.height, audio: "none")
        }
        return try RestylePipeline.run(input: request.input, output: request.output, settings: settings, coherence: coherence,
                                makeConfig: makeConfig, preview: request.preview, segment: segment, progress: progress)
    }
}
