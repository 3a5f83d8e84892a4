import Imaging

/// The production landmark source: BlazeFace detection plus FaceMesh landmarks and tracking.
public final class MeshFaceSource: FaceLandmarkSource, Sendable {
    private let detector: FaceDetector
    private let landmarker: FaceLandmarker

    /// Loads the detector (both ranges, merged: group photos hold large and small faces) and the landmark model.
    /// - Throws: the models' loading errors (missing or unreadable model files).
    public init() throws {
        detector = try FaceDetector(range: .both)
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
        // The landmark crop is warped straight from the 8-bit frame: nothing outside the face is read.
        try landmarker.track(in: image, previous: previous)
    }
}
