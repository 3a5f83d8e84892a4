import Foundation
import Imaging

/// The faces of one video frame as `FaceTracker` saw them.
public struct FaceTrackResult: Sendable {
    /// Landmarks of every face followed in this frame.
    public var faces: [FaceLandmarks]
    /// For each of `faces`, the detection its landmarks came from (nil on tracked frames).
    public var faceDetections: [FaceDetection?]
    /// Everything the detector found when it ran on this frame (empty on tracked frames),
    /// including faces whose landmarks were rejected.
    public var detections: [FaceDetection]
    /// True when the detector ran on this frame.
    public var detected: Bool
}

/// Follows faces through a video the MediaPipe way: detect once, then derive each frame's
/// landmark ROI from the previous frame's landmarks, and detect again only when a face is lost
/// (presence score below the landmarker's threshold) or none is being followed.
///
/// Feed frames in order; calls are serialised by a lock, so the tracker may be handed to a
/// pipeline's processing thread.
public final class FaceTracker: @unchecked Sendable {
    /// The detector used on the first frame and after a loss.
    public let detector: FaceDetector
    /// The landmarker used on every frame.
    public let landmarker: FaceLandmarker
    /// Most faces followed at once (best detection scores first).
    public let maxFaces: Int
    // Invariant: the mutable state below is only touched with `lock` held.
    private let lock = NSLock()
    private var detections = 0
    private var frames = 0
    private var current: [FaceLandmarks] = []

    /// Frames on which the detector ran so far.
    public var detectionCount: Int { lock.lock(); defer { lock.unlock() }; return detections }
    /// Frames processed so far.
    public var frameCount: Int { lock.lock(); defer { lock.unlock() }; return frames }

    /// Creates a tracker around loaded models.
    public init(detector: FaceDetector, landmarker: FaceLandmarker, maxFaces: Int = 4) {
        self.detector = detector; self.landmarker = landmarker; self.maxFaces = max(1, maxFaces)
    }

    /// Processes the next frame.
    /// - Throws: errors from the detector or landmarker.
    public func update(_ image: Image) throws -> FaceTrackResult {
        try update(track: { try landmarker.track(in: image, previous: $0) }, detect: { try detector.detect(image) },
                   landmarks: { try landmarker.landmarks(in: image, detection: $0) })
    }

    /// Processes the next 8-bit frame without converting it to float: only the detector's letterboxed input and
    /// the landmark crops are resampled, so memory stays small for 4K/8K frames.
    /// - Throws: errors from the detector or landmarker.
    public func update(_ image: ByteImage) throws -> FaceTrackResult {
        try update(track: { try landmarker.track(in: image, previous: $0) }, detect: { try detector.detect(image) },
                   landmarks: { try landmarker.landmarks(in: image, detection: $0) })
    }

    private func update(track: (FaceLandmarks) throws -> FaceLandmarks?, detect: () throws -> [FaceDetection],
                        landmarks: (FaceDetection) throws -> FaceLandmarks?) throws -> FaceTrackResult {
        lock.lock(); defer { lock.unlock() }
        frames += 1
        var next: [FaceLandmarks] = []
        var lost = current.isEmpty
        for face in current {
            if let t = try track(face) { next.append(t) } else { lost = true }
        }
        if !lost {
            current = next
            return FaceTrackResult(faces: next, faceDetections: next.map { _ in nil }, detections: [], detected: false)
        }
        detections += 1
        let found = try detect()
        next = []
        var sources: [FaceDetection?] = []
        for d in found.prefix(maxFaces) {
            if let lm = try landmarks(d) { next.append(lm); sources.append(d) }
        }
        current = next
        return FaceTrackResult(faces: next, faceDetections: sources, detections: found, detected: true)
    }

    /// Forgets the faces being followed; the next frame runs the detector.
    public func reset() { lock.lock(); current = []; lock.unlock() }
}
