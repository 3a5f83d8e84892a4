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
public struct FaceSwapProgress: Sendable {
    /// Frames written so far.
    public var framesDone: Int
    /// Expected total (the container's estimate, never below `framesDone`).
    public var framesTotal: Int
    /// Seconds since the run started.
    public var elapsed: Double
}

/// Reads a clip, swaps faces, writes the result with its audio, fps and size kept; decode, track,
/// swap and encode run on four threads linked by bounded queues, so memory stays flat on long clips.
public enum FaceSwapPipeline {
    /// The `comment` tag every output carries (synthetic-media disclosure).
    public static func label(version: String) -> String { "synthetic media: face replaced by kinema \(version)" }

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
        var allTags = tags
        allTags["comment"] = label(version: version)
        // Size, rate, audio, rotation and tags come from the target; codec, crf and preset from `encoder`.
        var wc = encoder ?? VideoWriterConfig(width: 0, height: 0, fps: meta.fps, preset: "veryfast")
        wc.width = meta.width; wc.height = meta.height; wc.fps = meta.fps; wc.rotation = meta.rotation
        wc.audioSource = meta.hasAudio ? target : nil
        wc.tags = allTags
        wc.inputs = [target]
        let window = try segment?.prepare(reader: reader, config: &wc, warmUp: warmUp(config), lookAhead: lookAhead(config),
                                          align: config.redetectInterval)
        let writer = try VideoWriter(url: output, config: wc)
        window?.apply(to: writer)
        let session = FaceSwapSession(sources: sources, landmarks: landmarks, config: config, fps: meta.fps.value)
        session.recordLandmarks = recordLandmarks
        session.keepOriginals = previewIndices
        // Each half of the session goes to the one stage thread that uses it; this thread does not touch them again.
        let analyser = OwnedByOneThread(session.analyser), renderer = OwnedByOneThread(session.renderer)

        let decoded = StageQueue<(ByteImage, Int)>(capacity: 3)
        let analysed = StageQueue<AnalysedFrame>(capacity: 2)
        let processed = StageQueue<SwappedFrame>(capacity: 3)
        let failure = StageError()
        let group = DispatchGroup()
        let fail: @Sendable (any Error) -> Void = { e in
            failure.record(e); decoded.cancel(); analysed.cancel(); processed.cancel()
        }
        let decode = Thread {
            defer { group.leave() }
            do {
                while let f = try reader.nextFrame() { guard decoded.push((f.image, f.index)) else { return } }
                decoded.close()
            } catch { fail(error) }
        }
        // Landmarks (FaceMesh) for frame i + 1 run while frame i is composited.
        let track = Thread {
            defer { group.leave() }
            do {
                while let (img, idx) = decoded.pop() { guard analysed.push(try analyser.value.analyse(img, index: idx)) else { return } }
                analysed.close()
            } catch { fail(error) }
        }
        let swap = Thread {
            defer { group.leave() }
            do {
                while let a = analysed.pop() {
                    for r in try renderer.value.render(a) { guard processed.push(r) else { return } }
                }
                if failure.value != nil { return }
                for r in try renderer.value.finish() { guard processed.push(r) else { return } }
                processed.close()
            } catch { fail(error) }
        }
        decode.name = "kinema.faceswap.decode"; track.name = "kinema.faceswap.track"; swap.name = "kinema.faceswap.swap"
        group.enter(); group.enter(); group.enter()
        decode.start(); track.start(); swap.start()
        var s = FaceSwapSummary(frames: 0, framesWithFaces: 0, framesSwapped: 0, maxFaces: 0, tracks: 0, sceneCuts: 0, seconds: 0)
        var ids = Set<Int>()
        while let out = processed.pop() {
            let rep = out.report
            do { try writer.write(out.image) } catch { fail(error); break }
            if let orig = out.original { onPreview?(rep.index, orig, out.image) }
            s.frames += 1
            if rep.faces > 0 { s.framesWithFaces += 1 }
            if rep.swapped > 0 { s.framesSwapped += 1 }
            if rep.sceneCut { s.sceneCuts += 1 }
            s.maxFaces = max(s.maxFaces, rep.faces)
            ids.formUnion(rep.trackIDs)
            onFrame?(rep, FaceSwapProgress(framesDone: s.frames, framesTotal: max(meta.frameCount, s.frames),
                                                 elapsed: Date().timeIntervalSince(start)))
        }
        group.wait()
        if let e = failure.value { writer.cancel(); throw e }
        try writer.finish()
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

/// The first error raised by any stage.
final class StageError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func record(_ e: any Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var value: (any Error)? { lock.lock(); defer { lock.unlock() }; return error }
}

/// A bounded FIFO between two threads: `push` blocks when full, `pop` blocks when empty and returns
/// nil once closed and drained (or cancelled). Memory is bounded by `capacity` items.
final class StageQueue<T>: @unchecked Sendable {
    private let cond = NSCondition()
    private var items: [T] = []
    private var closed = false, cancelled = false
    private let capacity: Int
    init(capacity: Int) { self.capacity = max(1, capacity) }

    func push(_ x: T) -> Bool {
        cond.lock(); defer { cond.unlock() }
        while items.count >= capacity && !cancelled { cond.wait() }
        if cancelled { return false }
        items.append(x); cond.broadcast(); return true
    }
    func pop() -> T? {
        cond.lock(); defer { cond.unlock() }
        while items.isEmpty && !closed && !cancelled { cond.wait() }
        if cancelled || items.isEmpty { return nil }
        let x = items.removeFirst(); cond.broadcast(); return x
    }
    func close() { cond.lock(); closed = true; cond.broadcast(); cond.unlock() }
    func cancel() { cond.lock(); cancelled = true; items.removeAll(); cond.broadcast(); cond.unlock() }
}
