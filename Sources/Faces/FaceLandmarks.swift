/// The 468 FaceMesh landmarks of one face, in source-image pixels.
public struct FaceLandmarks: Sendable, Equatable, Codable {
    /// Landmarks: x, y in image pixels (continuous, y down); z is depth relative to the face
    /// centre in the same pixel scale (negative = towards the camera).
    public var points: [SIMD3<Float>]
    /// Face-presence score in 0...1 (sigmoid of the model's face flag).
    public var score: Float
    /// The region the landmarks were computed from (nil when built by hand).
    public var roi: FaceROI?

    /// Creates a landmark set.
    public init(points: [SIMD3<Float>], score: Float, roi: FaceROI? = nil) {
        self.points = points; self.score = score; self.roi = roi
    }

    /// Number of FaceMesh landmarks.
    public static let count = 468
    /// Outer corner of the subject's right eye (on the image's left for a frontal face).
    public static let rightEyeOuter = 33
    /// Outer corner of the subject's left eye.
    public static let leftEyeOuter = 263
    /// Inner corner of the subject's right eye.
    public static let rightEyeInner = 133
    /// Inner corner of the subject's left eye.
    public static let leftEyeInner = 362
    /// Nose tip.
    public static let noseTip = 1

    /// Centre of the subject's right eye (mean of its two corners), image pixels.
    public var rightEyeCenter: Point2 { Self.mid(points[Self.rightEyeOuter], points[Self.rightEyeInner]) }
    /// Centre of the subject's left eye (mean of its two corners), image pixels.
    public var leftEyeCenter: Point2 { Self.mid(points[Self.leftEyeOuter], points[Self.leftEyeInner]) }

    /// Distance between the two eye centres, pixels.
    public var interOcularDistance: Float {
        let a = rightEyeCenter, b = leftEyeCenter
        return ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }

    /// Axis-aligned bounding box of the landmarks.
    public var boundingBox: Box {
        var x0 = Float.infinity, y0 = Float.infinity, x1 = -Float.infinity, y1 = -Float.infinity
        for p in points { x0 = min(x0, p.x); y0 = min(y0, p.y); x1 = max(x1, p.x); y1 = max(y1, p.y) }
        return points.isEmpty ? Box(x: 0, y: 0, width: 0, height: 0) : Box(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    private static func mid(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Point2 {
        Point2(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
    }
}
