import Imaging

/// The production landmark source: BlazeFace detection plus FaceMesh landmarks and tracking.
public final class MeshFaceSource: FaceLandmarkSource, Sendable {
    private let detector: FaceDetector
    private let landmarker: FaceLandmarker

    /// Loads the detector (auto range) and the landmark model.
    /// - Throws: the models' loading errors (missing or unreadable model files).
    public init() throws {
        detector = try FaceDetector(range: .auto)
        landmarker = try FaceLandmarker()
    }

    /// All faces with landmarks, left to right.
    /// - Throws: model errors.
    public func detectFaces(in image: ByteImage) throws -> [FaceLandmarks] {
        try detector.detect(image).compactMap { try landmarker.landmarks(in: image, detection: $0) }
            .sorted { $0.boundingBox.x < $1.boundingBox.x }
    }

    /// The face near `previous`, tracked from its landmarks.
    /// - Throws: model errors.
    public func trackFace(in image: ByteImage, previous: FaceLandmarks) throws -> FaceLandmarks? {
        // Only the region around the face is converted to floats (not the whole frame): the
        // landmark crop is a rotated square of `side`, so a ±0.75·side window holds it entirely.
        // The model is translation-equivariant, so shifting in and out gives the same landmarks.
        guard let roi = try? FaceROI(landmarks: previous.points) else { return nil }
        let half = 0.75 * roi.side + 2
        let x0 = max(0, Int((roi.center.x - half).rounded(.down))), y0 = max(0, Int((roi.center.y - half).rounded(.down)))
        let x1 = min(image.width, Int((roi.center.x + half).rounded(.up)) + 1)
        let y1 = min(image.height, Int((roi.center.y + half).rounded(.up)) + 1)
        guard x1 - x0 >= 8, y1 - y0 >= 8 else { return try landmarker.track(in: image, previous: previous) }
        let crop = Image(image.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0))
        let d = SIMD3(Float(x0), Float(y0), 0)
        var shifted = previous
        shifted.points = previous.points.map { $0 - d }
        guard var out = try landmarker.track(in: crop, previous: shifted) else { return nil }
        out.points = out.points.map { $0 + d }
        if let r = out.roi { out.roi = FaceROI(center: Point2(x: r.center.x + d.x, y: r.center.y + d.y), side: r.side, rotation: r.rotation) }
        return out
    }
}
