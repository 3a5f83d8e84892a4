import Foundation
import VideoIO

/// One `kinema restyle` invocation as plain values (names and paths as the user typed them), so
/// the command's checks and run live in the library and can be tested without a process.
///
/// `prepare()` checks everything that can be wrong with the user's inputs before any output file
/// exists: coherence range, style and palette names, that the input exists, and the style image.
public struct RestyleRequest: Sendable {
    /// Input video.
    public var input: URL
    /// Output video.
    public var output: URL
    /// Style name (a `Style` raw value).
    public var style: String
    /// Temporal coherence weight, 0…1.
    public var coherence: Float
    /// Optional reference picture (colour transfer, and the palette of `palette`).
    public var styleImage: URL?
    /// Palette preset name for `palette` without a style image (a `PalettePreset` raw value).
    public var palette: String
    /// Optional before/after contact sheet to write.
    public var preview: URL?

    /// Creates a request; defaults follow `CoherenceParameters` and `StyleSettings`.
    public init(input: URL, output: URL, style: String, coherence: Float = CoherenceParameters().coherence,
                styleImage: URL? = nil, palette: String = PalettePreset.ukiyoE.rawValue, preview: URL? = nil) {
        self.input = input; self.output = output; self.style = style; self.coherence = coherence
        self.styleImage = styleImage; self.palette = palette; self.preview = preview
    }

    /// Checks the request and returns the job to run, with the style image loaded.
    /// - Throws: `RestyleError.badCoherence`, `.unknownStyle`, `.unknownPalette`, `.noSuchInput`,
    ///   `.badStyleImage` or `.styleImageTooSmall`, in that order of checking.
    public func prepare() throws -> RestyleJob {
        guard (0...1).contains(coherence) else { throw RestyleError.badCoherence(coherence) }
        guard let look = Style(rawValue: style.lowercased()) else { throw RestyleError.unknownStyle(style) }
        guard let preset = PalettePreset(rawValue: palette.lowercased()) else { throw RestyleError.unknownPalette(palette) }
        guard FileManager.default.fileExists(atPath: input.path) else { throw RestyleError.noSuchInput(path: input.path) }
        let reference = try styleImage.map { try RestylePipeline.loadStyleImage($0) }
        return RestyleJob(request: self, settings: StyleSettings(style: look, styleImage: reference, palettePreset: preset),
                          coherence: CoherenceParameters(coherence: coherence))
    }
}

/// A checked `RestyleRequest`, ready to run.
public struct RestyleJob: Sendable {
    /// What was asked.
    public let request: RestyleRequest
    /// The styliser settings (style image loaded).
    public let settings: StyleSettings
    /// The coherence parameters.
    public let coherence: CoherenceParameters

    /// Runs `RestylePipeline.run` on the request's files.
    /// - Throws: `VideoIOError` from reading or writing, `RestyleError.emptyVideo`.
    @discardableResult
    public func run(makeConfig: (VideoMetadata) -> VideoWriterConfig, segment: SegmentRequest? = nil,
                    progress: (@Sendable (RestyleProgress) -> Void)? = nil) throws -> RestyleSummary {
        try RestylePipeline.run(input: request.input, output: request.output, settings: settings, coherence: coherence,
                                makeConfig: makeConfig, preview: request.preview, segment: segment, progress: progress)
    }
}
