import Foundation
import Imaging
import Neural

/// FaceMesh landmarker: 468 3-D landmarks from a rotated square crop around a face.
///
/// The crop (192×192, values in [0, 1]) is cut by an affine warp from a `FaceROI`, built either
/// from a detection (box centre, long side × 1.5, eyes horizontal) or, for tracking, from the
/// previous frame's landmarks (their bounding box × 1.5, outer eye corners horizontal).
/// The model's points are mapped back through the same transform; z is scaled like x.
/// Thread-safe: the interpreter serialises runs.
public final class FaceLandmarker: @unchecked Sendable {
    /// Side of the model's square input.
    public static let inputSize = 192
    /// Face-presence score below which `track` gives up (MediaPipe's `min_tracking_confidence`).
    public let presenceThreshold: Float
    private let interpreter: Interpreter
    private let pointsIndex: Int
    private let flagIndex: Int

    /// Loads `face_landmark.tflite` from `models/` (see `ModelLocator`).
    /// - Throws: model-loading errors from `Neural`, or `FacesError` if the model has unexpected tensors.
    public init(threads: Int = 2, presenceThreshold: Float = 0.5) throws {
        self.presenceThreshold = presenceThreshold
        let model = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_landmark.tflite"))
        interpreter = try Interpreter(model: model, threads: max(1, threads))
        let n = Self.inputSize
        guard interpreter.inputShapes.count == 1, interpreter.inputShapes[0] == [1, n, n, 3] else {
            throw FacesError.badModelInput("face_landmark.tflite: expected one [1, \(n), \(n), 3] input, got \(interpreter.inputShapes)")
        }
        // Outputs told apart by size: 1404 landmark values and one face-flag logit.
        let counts = interpreter.outputShapes.map { $0.reduce(1, *) }
        guard let p = counts.firstIndex(of: 3 * FaceLandmarks.count), let f = counts.firstIndex(of: 1) else {
            throw FacesError.badModelOutput("face_landmark.tflite: outputs \(interpreter.outputShapes)")
        }
        pointsIndex = p; flagIndex = f
    }

    /// Landmarks of the face found by `detection`, or nil when the face-presence score is below
    /// `presenceThreshold`.
    /// - Throws: `FacesError` for a degenerate detection or image; runtime errors.
    public func landmarks(in image: Image, detection: FaceDetection) throws -> FaceLandmarks? {
        let result = try landmarks(in: image, roi: FaceROI(detection: detection))
        return result.score >= presenceThreshold ? result : nil
    }

    /// Landmarks of the face found by `detection` in an 8-bit image.
    /// - Throws: as `landmarks(in: Image, detection:)`.
    public func landmarks(in image: ByteImage, detection: FaceDetection) throws -> FaceLandmarks? {
        let result = try landmarks(in: image, roi: FaceROI(detection: detection))
        return result.score >= presenceThreshold ? result : nil
    }

    /// Follows a face from the previous frame's landmarks without a new detection; nil when the
    /// face-presence score drops below `presenceThreshold` (the caller should detect again).
    /// - Throws: `FacesError` for degenerate landmarks or image; runtime errors.
    public func track(in image: Image, previous: FaceLandmarks) throws -> FaceLandmarks? {
        let result = try landmarks(in: image, roi: FaceROI(landmarks: previous.points))
        return result.score >= presenceThreshold ? result : nil
    }

    /// Follows a face in an 8-bit image; see `track(in: Image, previous:)`.
    /// - Throws: as `track(in: Image, previous:)`.
    public func track(in image: ByteImage, previous: FaceLandmarks) throws -> FaceLandmarks? {
        let result = try landmarks(in: image, roi: FaceROI(landmarks: previous.points))
        return result.score >= presenceThreshold ? result : nil
    }

    /// Runs the model on the crop of `roi` in an 8-bit image. The crop is warped straight from the
    /// bytes (same values as converting the image first), so only the face's footprint is read.
    /// - Throws: as `landmarks(in: Image, roi:)`.
    public func landmarks(in image: ByteImage, roi: FaceROI) throws -> FaceLandmarks {
        guard image.channels == 3 else { return try landmarks(in: Image(image), roi: roi) }
        guard image.width > 0, image.height > 0 else { throw FacesError.badImage("empty image") }
        guard roi.side > 0, roi.side.isFinite else { throw FacesError.badImage("empty face region") }
        let n = Self.inputSize
        return try run(Image(warping: image, Self.warp(roi), width: n, height: n, fill: 0), roi: roi)
    }

    /// Runs the model on the crop of `roi`, whatever its presence score.
    /// - Throws: `FacesError` for a bad image or model output; runtime errors.
    public func landmarks(in image: Image, roi: FaceROI) throws -> FaceLandmarks {
        let rgb = try FaceDetector.rgb(image)
        guard roi.side > 0, roi.side.isFinite else { throw FacesError.badImage("empty face region") }
        let n = Self.inputSize
        return try run(rgb.warpedAffine(Self.warp(roi), width: n, height: n, fill: 0), roi: roi)
    }

    /// The model on a prepared 192×192 RGB crop of `roi`.
    private func run(_ crop: Image, roi: FaceROI) throws -> FaceLandmarks {
        let n = Self.inputSize
        let input = try Tensor(shape: [1, n, n, 3], data: crop.data)
        let outputs = try interpreter.run([input])
        guard outputs.count > max(pointsIndex, flagIndex), outputs[flagIndex].count == 1 else {
            throw FacesError.badModelOutput("face_landmark.tflite: \(outputs.count) outputs")
        }
        let points = try roi.project(raw: outputs[pointsIndex].data, cropSize: n)
        let score = DetectionDecoder.sigmoid(outputs[flagIndex].data[0])
        return FaceLandmarks(points: points, score: score, roi: roi)
    }

    /// The warp from crop pixels (centres at integers) to image pixels (centres at integers).
    static func warp(_ roi: FaceROI) -> Imaging.AffineTransform {
        let m = roi.cropToImage(cropSize: inputSize)
        // Crop pixel j's centre is at model coordinate j + ½.
        return Imaging.AffineTransform(a: m.a, b: m.b, c: m.c, d: m.d,
                               tx: m.tx + 0.5 * (m.a + m.b), ty: m.ty + 0.5 * (m.c + m.d))
    }
}
