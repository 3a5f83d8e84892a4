import Imaging

/// Finds and follows faces for the swap: full detection + landmarks, and cheap tracking from the
/// previous frame's landmarks. Implemented by `MeshFaceSource` over FaceDetector and FaceLandmarker.
public protocol FaceLandmarkSource {
    /// All faces in `image` with their landmarks.
    /// - Throws: the underlying model's errors.
    func detectFaces(in image: ByteImage) throws -> [FaceLandmarks]
    /// The face near `previous` in `image`, or nil when it is lost.
    /// - Throws: the underlying model's errors.
    func trackFace(in image: ByteImage, previous: FaceLandmarks) throws -> FaceLandmarks?
}

/// One followed face with a stable identity.
public struct SwapTrack: Sendable {
    /// Identity, unique within a run, never reused.
    public var id: Int
    /// Latest raw landmarks.
    public var landmarks: FaceLandmarks
    /// Frame at which the track started.
    public var firstFrame: Int
    /// Frames since the track was last confirmed.
    public var missed: Int
}

/// Keeps face identities stable: detect on the first frame, track from previous landmarks, re-detect
/// every `redetectInterval` frames or when a track's score drops, and match detections to tracks by
/// box overlap and landmark distance so identities never swap between people.
public struct SwapTracker {
    /// Score below which a tracked face counts as lost.
    public var minScore: Float = 0.5
    /// Full detection every this many frames (to pick up new faces).
    public var redetectInterval = 10
    /// Frames a track survives without confirmation before it is dropped.
    public var maxMissed = 2
    /// Live tracks.
    public private(set) var tracks: [SwapTrack] = []
    private var nextID = 0
    private var sinceDetect = Int.max
    private let source: FaceLandmarkSource

    /// Creates a tracker over a landmark source.
    public init(source: FaceLandmarkSource) { self.source = source }

    /// Forgets every track (scene cut); the next frame runs a full detection.
    public mutating func reset() { tracks = []; sinceDetect = Int.max }

    /// Matching cost between two landmark sets: 1 − IoU of boxes plus the mean landmark distance in
    /// inter-ocular units (∞ when they clearly belong to different faces).
    public static func matchCost(_ a: FaceLandmarks, _ b: FaceLandmarks) -> Float {
        let iou = a.boundingBox.iou(b.boundingBox)
        guard iou > 0.2 else { return .infinity }
        var d: Float = 0
        let n = min(a.points.count, b.points.count)
        for i in stride(from: 0, to: n, by: 4) {
            let u = a.points[i] - b.points[i]
            d += (u.x * u.x + u.y * u.y).squareRoot()
        }
        d /= Float((n + 3) / 4) * max(a.interOcularDistance, 1)
        return (1 - iou) + d
    }

    /// Processes frame `index`, returning the live tracks (with this frame's landmarks).
    /// - Throws: the landmark source's errors.
    public mutating func update(_ image: ByteImage, index: Int) throws -> [SwapTrack] {
        var lost = false
        for k in tracks.indices {
            if let lm = try source.trackFace(in: image, previous: tracks[k].landmarks), lm.score >= minScore {
                tracks[k].landmarks = lm; tracks[k].missed = 0
            } else {
                tracks[k].missed += 1; lost = true
            }
        }
        sinceDetect = sinceDetect == Int.max ? Int.max : sinceDetect + 1
        if lost || tracks.isEmpty || sinceDetect >= redetectInterval {
            let found = try source.detectFaces(in: image).filter { $0.score >= minScore }
            sinceDetect = 0
            // Greedy assignment by increasing cost (few faces per frame, so this is optimal in practice).
            var pairs: [(Float, Int, Int)] = []
            for (k, t) in tracks.enumerated() { for (j, f) in found.enumerated() {
                let c = Self.matchCost(t.landmarks, f); if c.isFinite { pairs.append((c, k, j)) }
            } }
            pairs.sort { $0.0 < $1.0 }
            var usedT = Set<Int>(), usedF = Set<Int>()
            for (_, k, j) in pairs where !usedT.contains(k) && !usedF.contains(j) {
                // A tracked face keeps its tracked landmarks unless it was lost (tracking is smoother).
                if tracks[k].missed > 0 { tracks[k].landmarks = found[j]; tracks[k].missed = 0 }
                usedT.insert(k); usedF.insert(j)
            }
            for (j, f) in found.enumerated() where !usedF.contains(j) {
                // A new face that overlaps a live track heavily is a duplicate detection of it.
                if tracks.contains(where: { $0.landmarks.boundingBox.iou(f.boundingBox) > 0.5 }) { continue }
                tracks.append(SwapTrack(id: nextID, landmarks: f, firstFrame: index, missed: 0)); nextID += 1
            }
        }
        tracks.removeAll { $0.missed > maxMissed }
        return tracks.filter { $0.missed == 0 }
    }
}
