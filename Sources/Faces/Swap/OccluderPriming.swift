import Imaging

extension FaceCompositor {
    /// The target face of `frame` (landmarks `target`, frame pixels) as `OccluderHistory` sees it: resampled onto
    /// the canonical grid from the same working grid `render` uses, with the cells it covers. Nil when the face is
    /// degenerate or outside the frame.
    func occluderView(_ frame: ByteImage, target: [SIMD3<Float>]) throws -> (RegionBuffer, RegionBuffer)? {
        guard frame.channels == 3, let (_, grid, dst, _, visible) = try place(target, width: frame.width, height: frame.height) else {
            return nil
        }
        let lab = grid.sample(frame).toLab()
        return OccluderHistory.canonical(lab, points: dst, visible: visible, iod: Self.interOcular(target) * grid.scale)
    }
}

/// Look-ahead for the occluder history at the start of a clip.
///
/// `OccluderHistory` learns the face from the frames it has seen, so an object lying over the face from the first
/// frame was learnt as the face: painted over until a reference existed (a hand over the mouth of a 176×144 face:
/// 20–33 levels in frames 0–3). The renderer therefore holds the first `hold` frames of the clip (0.64 s at 25 fps;
/// it holds `smoothing.lookAhead` frames anyway), takes a canonical view of each face in `views` of them, and starts
/// each track's history with them (`OccluderHistory.prime`): its first frames are judged against them until it has
/// a reference of its own. An object that moves in those frames uncovers some of what it hid and is found there.
///
/// Cost: a few views (grid sample, Lab, resample) once per clip, and `hold` frames held once (at most `budget` bytes;
/// measured at 1280×720: CPU per frame unchanged, peak memory 378 → 420 MiB, flat in the clip's length).
struct OccluderPriming {
    /// Frames held at the start of the clip, and how many of them are viewed (the last of them, and evenly before it).
    static let hold = 16
    static let views = 4
    /// Most bytes of frames held: large frames hold fewer (1920×1080: 8), and from about 4K none are viewed.
    static let budget = 48 << 20

    /// Frames held at the start of a clip with frames like `frame`.
    static func hold(for frame: ByteImage) -> Int { min(hold, budget / max(frame.data.count, 1)) }

    /// Whether priming is still to happen.
    private(set) var waiting: Bool
    private var scene = 0, last = -1                                  // the held frames' scene and last index
    private var ahead: [Int: [(RegionBuffer, RegionBuffer)]] = [:]   // track → canonical views, in frame order

    init(enabled: Bool) { waiting = enabled }

    /// Whether the renderer should hold `pending` (the frames not yet rendered, oldest first) before priming.
    func holds(_ pending: [AnalysedFrame]) -> Bool {
        guard waiting, let first = pending.first else { return false }
        return pending.count < Self.hold(for: first.image) && pending.allSatisfy { $0.scene == first.scene }
    }

    /// Takes the views from the held frames of the first scene in `pending`; the source photo of each face is the
    /// one `choice` would pick for it.
    mutating func prime(_ pending: [AnalysedFrame], compositors: [FaceCompositor], choice: SourceChoice) throws {
        waiting = false
        guard let first = pending.first else { return }
        let frames = Array(pending.prefix { $0.scene == first.scene })
        scene = first.scene; last = frames.last?.index ?? -1
        // The last held frame and `views − 1` evenly before it, never the first ones (those are the history's own).
        let picks = Set((1...max(Self.views, 1)).map { frames.count - 1 - ($0 - 1) * frames.count / max(Self.views, 1) })
        for (j, f) in frames.enumerated() where picks.contains(j) && j >= OccluderHistory.minimumValid {
            for id in f.tracks.keys.sorted() {
                let pts = f.tracks[id]!.points
                let c = compositors[choice.pick(for: pts, current: nil)]
                if let v = try c.occluderView(f.image, target: pts) { ahead[id, default: []].append(v) }
            }
        }
    }

    /// A fresh appearance state for track `id` in frame `index` of `scene`, its occluder history primed when views
    /// were taken and the frame is one of those held (later, the views are no longer ahead of it).
    func fresh(_ id: Int, index: Int, scene: Int) -> AppearanceState {
        var st = AppearanceState()
        if scene == self.scene, index <= last, let v = ahead[id], v.count >= OccluderHistory.minimumValid { st.occluders.prime(v) }
        return st
    }
}
