import Foundation
import Flow
import Imaging
import VideoIO

/// What a restyle run did.
public struct RestyleSummary: Sendable, Codable {
    /// Frames written.
    public var frames: Int
    /// Wall-clock seconds.
    public var seconds: Double
    /// Frames per second over the run.
    public var fps: Double
    /// Shot cuts detected (coherence reset).
    public var cuts: Int
    /// Mean fraction of pixels carried from the previous frame's output (0 without coherence).
    public var meanValidFraction: Double
    /// Output size.
    public var width: Int, height: Int
    /// Whether audio was copied.
    public var audio: String
}

/// Progress of a restyle run.
public struct RestyleProgress: Sendable {
    /// Frames written so far.
    public var framesDone: Int
    /// Expected total (from the container; may be an estimate).
    public var framesTotal: Int
    /// Seconds since the start.
    public var elapsed: Double
}

/// Reads a video, stylises every frame with temporal coherence and writes it back, keeping size,
/// frame rate, duration and audio. Decode, stylise and encode run as overlapping stages
/// (`VideoPipeline`); the stylise stage is sequential because coherence needs frames in order.
public enum RestylePipeline {
    /// Largest style picture accepted (pixels), checked from the file header before decoding.
    public static let maxStyleImagePixels = 50_000_000

    /// Loads a style image as RGB planes (capped at 1024 pixels on the long side).
    /// - Throws: `RestyleError.badStyleImage`, `.styleImageTooSmall` or `.styleImageTooLarge`.
    public static func loadStyleImage(_ url: URL) throws -> [Plane] {
        if let (w, h) = ImageHeader.size(of: url), w * h > maxStyleImagePixels {
            throw RestyleError.styleImageTooLarge(path: url.path, width: w, height: h)
        }
        let bytes: ByteImage
        do { bytes = try ImageFile.read(url) } catch {
            throw RestyleError.badStyleImage(path: url.path, reason: String(describing: error))
        }
        guard bytes.width >= 8, bytes.height >= 8, bytes.channels >= 3 else {
            if bytes.channels < 3 && bytes.width >= 8 && bytes.height >= 8 {
                let rgb = ByteImage(width: bytes.width, height: bytes.height, channels: 3,
                                    data: bytes.data.flatMap { [$0, $0, $0] })
                return RGBPlanes.from(rgb, factor: max(1, max(bytes.width, bytes.height) / 1024))
            }
            throw RestyleError.styleImageTooSmall(path: url.path, width: bytes.width, height: bytes.height)
        }
        return RGBPlanes.from(bytes, factor: max(1, max(bytes.width, bytes.height) / 1024))
    }

    /// The CRF a restyle is written at when the user gives none: 9 below the codec's default (H.264 crf 14)
    /// at every frame size. At crf 23 the encoder's own noise, which comes back in every frame on a look's
    /// flat washes and thin lines, hid much of what the carry steadies (oil on a 176×144 talking head: E_warp
    /// coherent ÷ per-frame 0.65 at crf 23, 0.57 at 16, 0.48 lossless). At 960×540, crf 23 → 14, Farneback
    /// meter: webcam anime 0.342 → 0.297, oil 0.340 → 0.294; Pexels anime 0.574 → 0.532, oil 0.607 → 0.532.
    /// Files are about three times larger than at crf 23 (a 960×540 oil clip: 1.5 Mbit/s).
    public static func defaultCRF(for codec: VideoCodec) -> Int { codec.detailCRF }

    /// The encoder tuning of a restyle: x264's and x265's "animation" (stronger deblocking, more reference
    /// frames, less psycho-visual noise), made for flat regions and hard edges like a look's. Same frames, crf 14,
    /// 960×540, coherent ÷ per-frame (Farneback meter): webcam watercolor 0.510 → 0.488, anime 0.295 → 0.288,
    /// oil 0.294 → 0.286; Pexels anime 0.532 → 0.525, oil 0.533 → 0.524; files 15–26 % smaller.
    public static let encoderTune = "animation"

    /// Restyles `input` into the writer's file.
    ///
    /// - Parameters:
    ///   - makeConfig: builds the writer configuration from the input's metadata (codec, crf, preset
    ///     are the caller's; size, fps, audio source and duration are filled in here).
    ///   - preview: when set, a before/after contact sheet (PNG) of three frames is written there
    ///     after the video succeeded.
    /// - Throws: `VideoIOError` from reading/writing, `RestyleError` for empty input.
    @discardableResult
    public static func run(input: URL, output: URL, settings: StyleSettings, coherence: CoherenceParameters,
                           makeConfig: (VideoMetadata) -> VideoWriterConfig, preview: URL? = nil,
                           segment: SegmentRequest? = nil,
                           progress: (@Sendable (RestyleProgress) -> Void)? = nil) throws -> RestyleSummary {
        guard (0...1).contains(coherence.coherence) else { throw RestyleError.badCoherence(coherence.coherence) }
        // An input without a decodable frame fails before the writer exists, so no empty file is committed.
        guard try VideoReader(url: input).nextFrame() != nil else { throw RestyleError.emptyVideo(path: input.path) }
        let reader = try VideoReader(url: input)
        let m = reader.metadata
        // Frames are restyled upright (a phone's portrait clip is stored on its side, where the face detector behind
        // the face-keeping looks sees a face rolled by 90°), and written upright, without a display rotation.
        reader.autoRotate = true
        let (width, height) = m.uprightSize
        var config = makeConfig(m)
        config.width = width; config.height = height; config.fps = m.fps
        if config.crf == nil { config.crf = Self.defaultCRF(for: config.codec) }
        if config.tune == nil { config.tune = Self.encoderTune }
        config.audioSource = m.hasAudio ? input : nil
        config.audioDuration = m.duration > 0 ? m.duration : nil
        config.rotation = 0
        config.variableFrameRate = true  // each frame keeps its source timestamp (a phone's VFR clip stays in sync)
        if config.inputs.isEmpty { config.inputs = [input] }
        let window = try segment?.prepare(reader: reader, config: &config, warmUp: warmUp(coherence), lookAhead: 0)
        // The look and its settled carry come first, so nothing is opened for writing if either fails.
        let engine = EngineBox(TemporalCoherence(stylizer: try settings.makeStylizer(), parameters: coherence))
        if coherence.coherence > 0, (window?.read.lowerBound ?? 0) == 0 {
            engine.engine.settle(on: try framesAfterFirst(of: input, count: coherence.settleFrames, width: width, height: height))
        }
        let writer = try VideoWriter(url: output, config: config)
        window?.apply(to: writer)
        let mix = settings.mix
        let total = max(1, m.frameCount)
        let sampleAt: Set<Int> = preview == nil ? [] : [0, total / 2, max(0, total - 2)]
        let result = try VideoPipeline.run(reader: reader, writer: writer, workers: 1, process: { frame in
            let out = RestylePhoto.blend(look: engine.engine.process(frame.image), original: frame.image, mix: mix)
            if sampleAt.contains(frame.index) { engine.keep(before: frame.image, after: out) }
            return out
        }, progress: progress.map { cb in { @Sendable p in cb(RestyleProgress(framesDone: p.framesDone, framesTotal: p.framesTotal, elapsed: p.elapsed)) } })
        if result.frames == 0 { throw RestyleError.emptyVideo(path: input.path) }
        if let preview {
            try ImageFile.write(ContactSheet.pairs(engine.samples, maxWidth: 1280), to: preview)
        }
        let r = engine.engine.report
        return RestyleSummary(frames: writer.framesWritten, seconds: result.seconds, fps: result.fps, cuts: r.cuts,
                              meanValidFraction: r.meanValidFraction, width: writer.encodedWidth,
                              height: writer.encodedHeight, audio: writer.audioMode)
    }
}

/// Carries the stateful engine into the pipeline's process stage.
/// Invariant: `VideoPipeline.run(workers: 1)` calls `process` on one thread, in order, so the
/// engine is never touched concurrently; `samples` is read only after the pipeline returned.
final class EngineBox: @unchecked Sendable {
    let engine: TemporalCoherence
    private(set) var samples: [(ByteImage, ByteImage)] = []
    init(_ engine: TemporalCoherence) { self.engine = engine }
    func keep(before: ByteImage, after: ByteImage) { samples.append((before, after)) }
}
