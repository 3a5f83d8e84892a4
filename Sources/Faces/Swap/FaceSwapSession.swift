import Imaging

/// Everything that configures a swap run beyond the source face. Defaults are the product's.
public struct FaceSwapConfig: Sendable {
    /// Appearance and blending.
    public var options = FaceSwapOptions()
    /// Landmark smoothing.
    public var smoothing = SmoothingOptions()
    /// Which target faces are replaced (default all).
    public var selection: FaceSelection = .all
    /// When set, only the target person most like this descriptor is replaced.
    public var reference: FaceDescriptor?
    /// When set, the visible disclosure mark is drawn in this corner of every frame.
    public var watermark: Corner?
    /// Full detection every this many frames.
    public var redetectInterval = 10
    /// Creates the defaults.
    public init() {}
}

/// Per-frame outcome, for `--json` and tests.
public struct FrameReport: Sendable, Codable, Equatable {
    /// Frame index.
    public var index: Int
    /// Faces found in the frame.
    public var faces: Int
    /// Faces replaced.
    public var swapped: Int
    /// Whether the frame starts a new scene.
    public var sceneCut: Bool
    /// Track ids of the replaced faces.
    public var trackIDs: [Int]
    /// For each replaced face (same order as `trackIDs`), the index of the source photo used.
    public var sources: [Int] = []
    /// Smoothed target landmarks actually used, per replaced face (only kept when asked for).
    public var landmarks: [[SIMD3<Float>]]?
    /// Creates a report.
    public init(index: Int, faces: Int, swapped: Int, sceneCut: Bool, trackIDs: [Int], sources: [Int] = [],
                landmarks: [[SIMD3<Float>]]? = nil) {
        self.index = index; self.faces = faces; self.swapped = swapped; self.sceneCut = sceneCut
        self.trackIDs = trackIDs; self.sources = sources; self.landmarks = landmarks
    }
}

/// One output frame of a session.
public struct SwappedFrame: Sendable {
    /// The frame to write.
    public var image: ByteImage
    /// What happened in it.
    public var report: FrameReport
    /// The untouched input frame, kept only for indices in `FaceSwapSession.keepOriginals`.
    public var original: ByteImage?
}

/// A frame after tracking, before smoothing and rendering (what `FaceSwapAnalyser` hands to `FaceSwapRenderer`).
public struct AnalysedFrame: Sendable {
    var image: ByteImage
    var index: Int
    var scene: Int
    var cut: Bool
    var faces: Int
    var tracks: [Int: PoseShape]
}

/// Frame-by-frame face swapping with tracking, identity, smoothing and a bounded look-ahead.
/// Feed frames in order with `push`; frames come back in order, delayed by at most
/// `smoothing.lookAhead` frames in offline mode; `finish` flushes the rest.
///
/// The two halves are separate objects with no shared mutable state: `analyser` (scene cuts,
/// tracking, face choice) and `renderer` (smoothing, source choice, compositing). A pipeline may run
/// them on two threads, each object owned by one thread.
public final class FaceSwapSession {
    /// Tracking half.
    public let analyser: FaceSwapAnalyser
    /// Rendering half.
    public let renderer: FaceSwapRenderer
    /// Keep the smoothed landmarks in each report (for tests and metrics).
    public var recordLandmarks: Bool {
        get { renderer.recordLandmarks }
        set { renderer.recordLandmarks = newValue }
    }
    /// Frame indices whose untouched input is returned alongside the output (for previews).
    public var keepOriginals: Set<Int> {
        get { renderer.keepOriginals }
        set { renderer.keepOriginals = newValue }
    }

    /// Creates a session with one source face.
    public convenience init(source: SourceFace, landmarks: FaceLandmarkSource, config: FaceSwapConfig, fps: Double) {
        self.init(sources: [source], landmarks: landmarks, config: config, fps: fps)
    }

    /// Creates a session with one or more source photos of the same person; each face in each frame
    /// uses the photo whose head pose is nearest its own (see `SourceChoice`).
    public init(sources: [SourceFace], landmarks: FaceLandmarkSource, config: FaceSwapConfig, fps: Double) {
        analyser = FaceSwapAnalyser(landmarks: landmarks, config: config)
        renderer = FaceSwapRenderer(sources: sources, config: config, fps: fps)
    }

    /// Adds the next frame; returns the frames that are ready, in order.
    /// - Throws: the landmark source's errors or `FaceSwapError`.
    public func push(_ image: ByteImage, index: Int) throws -> [SwappedFrame] {
        try renderer.render(try analyser.analyse(image, index: index))
    }

    /// Flushes the frames still held for look-ahead.
    /// - Throws: `FaceSwapError` from rendering.
    public func finish() throws -> [SwappedFrame] { try renderer.finish() }
}

/// First half of a session: scene-cut check, tracking and face selection.
public final class FaceSwapAnalyser {
    private let config: FaceSwapConfig
    private var tracker: SwapTracker
    private var cuts = SceneCutDetector()
    private var scene = 0
    private var locked: Int?

    init(landmarks: FaceLandmarkSource, config: FaceSwapConfig) {
        self.config = config
        tracker = SwapTracker(source: landmarks)
        tracker.redetectInterval = max(1, config.redetectInterval)
    }

    /// Chooses which live tracks to replace, keeping the choice stable while its track lives.
    private func select(_ tracks: [SwapTrack], image: ByteImage) -> [SwapTrack] {
        if config.reference == nil, config.selection == .all { return tracks }
        if let id = locked, let t = tracks.first(where: { $0.id == id }) { return [t] }
        guard !tracks.isEmpty else { return [] }
        let pick: SwapTrack?
        if let ref = config.reference {
            pick = tracks.min { FaceDescriptor(image: image, landmarks: $0.landmarks.points).distance(to: ref)
                < FaceDescriptor(image: image, landmarks: $1.landmarks.points).distance(to: ref) }
        } else if case .index(let n) = config.selection {
            let sorted = tracks.sorted { $0.landmarks.boundingBox.x < $1.landmarks.boundingBox.x }
            pick = n < sorted.count ? sorted[n] : nil
        } else {
            pick = tracks.max { $0.landmarks.boundingBox.area < $1.landmarks.boundingBox.area }
        }
        locked = pick?.id
        return pick.map { [$0] } ?? []
    }

    /// Tracks the faces of the next frame (frames in order).
    /// - Throws: the landmark source's errors.
    public func analyse(_ image: ByteImage, index: Int) throws -> AnalysedFrame {
        let cut = cuts.isCut(image)
        if cut {
            scene += 1; tracker.reset(); locked = nil
        }
        let live = try tracker.update(image, index: index)
        let chosen = select(live, image: image)
        var tracks: [Int: PoseShape] = [:]
        for t in chosen { tracks[t.id] = PoseShape(t.landmarks.points) }
        return AnalysedFrame(image: image, index: index, scene: scene, cut: cut, faces: live.count, tracks: tracks)
    }
}

/// Second half of a session: smoothing (zero-phase look-ahead or online), the choice of source
/// photo, and compositing.
public final class FaceSwapRenderer {
    private let compositors: [FaceCompositor]
    private let choice: SourceChoice
    private let config: FaceSwapConfig
    private let dt: Float
    /// Keep the smoothed landmarks in each report (for tests and metrics).
    public var recordLandmarks = false
    /// Frame indices whose untouched input is returned alongside the output (for previews).
    public var keepOriginals: Set<Int> = []
    private var pending: [AnalysedFrame] = []          // frames waiting for look-ahead (images held)
    private var history: [AnalysedFrame] = []          // already emitted frames (images dropped)
    private var appearance: [Int: [Int: AppearanceState]] = [:]   // track → source → state
    private var online: [Int: OnlineLandmarkSmoother] = [:]
    private var chosen: [Int: Int] = [:]                          // track → source in use
    private let carry: TemporalCarry
    private var previous: (input: ByteImage, output: ByteImage, tracks: Set<Int>)?   // last frame, for the carry
    private var priming: OccluderPriming

    init(sources: [SourceFace], config: FaceSwapConfig, fps: Double) {
        compositors = sources.map { FaceCompositor(source: $0, options: config.options) }
        choice = SourceChoice(sources: sources)
        self.config = config
        dt = Float(1 / max(fps, 1))
        carry = TemporalCarry(carry: config.options.temporalCarry, motionStop: config.options.temporalCarryMotion)
        let o = config.options
        priming = OccluderPriming(enabled: config.smoothing.mode == .offline && o.occlusion && o.occluderHistory)
    }

    /// Smooths and composites; returns the frames that are ready, in order.
    /// - Throws: `FaceSwapError` from rendering.
    public func render(_ entry: AnalysedFrame) throws -> [SwappedFrame] {
        switch config.smoothing.mode {
        case .off, .online:
            var e = entry
            return [try composite(&e)]
        case .offline:
            pending.append(entry)
            if priming.holds(pending) { return [] }
            if priming.waiting { try priming.prime(pending, compositors: compositors, choice: choice) }
            var out: [SwappedFrame] = []
            while pending.count > max(config.smoothing.lookAhead, 0) { out.append(try emitFirst()) }
            return out
        }
    }

    /// Flushes the frames still held for look-ahead.
    /// - Throws: `FaceSwapError` from rendering.
    public func finish() throws -> [SwappedFrame] {
        if priming.waiting { try priming.prime(pending, compositors: compositors, choice: choice) }
        var out: [SwappedFrame] = []
        while !pending.isEmpty { out.append(try emitFirst()) }
        return out
    }

    private func emitFirst() throws -> SwappedFrame {
        var e = pending.removeFirst()
        let rawTracks = e.tracks
        let k = config.smoothing.lookAhead
        for id in Array(e.tracks.keys) {
            var window: [(offset: Int, sample: PoseShape)] = []
            for h in history.suffix(k) where h.scene == e.scene { if let s = h.tracks[id] { window.append((h.index - e.index, s)) } }
            window.append((0, e.tracks[id]!))
            for p in pending.prefix(k) where p.scene == e.scene { if let s = p.tracks[id] { window.append((p.index - e.index, s)) } }
            if let s = OfflineSmoother.smooth(window, options: config.smoothing) { e.tracks[id] = s }
        }
        let result = try composite(&e)
        // Keep only the raw samples for look-behind: the smoothed ones would double-smooth.
        var past = e
        past.tracks = rawTracks
        history.append(past)
        if history.count > k { history.removeFirst(history.count - k) }
        return result
    }

    /// Renders `entry`, moving its image out (the entry keeps a 1×1 placeholder), so the frame is
    /// written in place rather than copied.
    private func composite(_ entry: inout AnalysedFrame) throws -> SwappedFrame {
        if entry.cut { appearance = [:]; online = [:]; chosen = [:]; previous = nil }
        let original = keepOriginals.contains(entry.index) ? entry.image : nil
        // The untouched frame, kept only when the carry needs it (holding it makes drawing copy the frame once).
        let input: ByteImage? = carry.carry > 0 ? entry.image : nil
        var image = entry.image
        entry.image = ByteImage(width: 1, height: 1, channels: 3)
        var ids: [Int] = [], used: [[SIMD3<Float>]] = [], picked: [Int] = []
        for id in entry.tracks.keys.sorted() {
            var pts = entry.tracks[id]!.points
            if config.smoothing.mode == .online {
                var sm = online[id] ?? OnlineLandmarkSmoother(options: config.smoothing)
                pts = sm.smooth(pts, dt: dt)
                online[id] = sm
            }
            let src = choice.pick(for: pts, current: chosen[id])
            chosen[id] = src
            var st = appearance[id]?[src] ?? priming.fresh(id, index: entry.index, scene: entry.scene)
            if let info = try compositors[src].render(into: &image, target: pts, state: &st) {
                ids.append(id); used.append(pts); picked.append(src)
                // Only a face that was swapped in the last frame too has a previous face to carry.
                if let prev = previous, let input, prev.tracks.contains(id) {
                    carry.apply(to: &image, input: input, previousInput: prev.input, previousOutput: prev.output, info: info)
                }
            }
            appearance[id, default: [:]][src] = st
        }
        previous = input.map { ($0, image, Set(ids)) }
        if let corner = config.watermark { Watermark.draw(on: &image, corner: corner) }
        let report = FrameReport(index: entry.index, faces: entry.faces, swapped: ids.count, sceneCut: entry.cut,
                                 trackIDs: ids, sources: picked, landmarks: recordLandmarks ? used : nil)
        return SwappedFrame(image: image, report: report, original: original)
    }
}
