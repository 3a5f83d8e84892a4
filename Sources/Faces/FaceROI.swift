import Foundation

/// A rotated square region of an image around a face: what the landmark model sees.
///
/// Image coordinates have pixel centres at integers, y down. Crop coordinates are the landmark
/// model's: continuous, 0...N spanning the crop's outer pixel edges, so crop pixel j's centre is j + ½.
/// `rotation` is the angle of the crop's x axis in the image, in radians, positive clockwise
/// on screen (the direction (cos θ, sin θ) in y-down pixels). A crop of side N maps its point
/// (u, v) to `center + side · R(θ) · (u/N − ½, v/N − ½)`.
public struct FaceROI: Sendable, Equatable, Codable {
    /// Centre of the square, image pixels.
    public var center: Point2
    /// Side of the square, image pixels.
    public var side: Float
    /// Angle of the square's x axis, radians, clockwise on screen.
    public var rotation: Float

    /// Creates a region.
    public init(center: Point2, side: Float, rotation: Float) {
        self.center = center; self.side = side; self.rotation = rotation
    }

    /// MediaPipe's detection-to-ROI rule (`face_detection_front_detection_to_roi`): centre of
    /// the detection box, long side × `scale` (1.5), rotated so the eye keypoints (0 → 1) are
    /// horizontal.
    /// - Throws: `FacesError.badModelOutput` when the detection has fewer than two keypoints
    ///   or an empty box.
    public init(detection d: FaceDetection, scale: Float = 1.5) throws {
        guard d.keypoints.count >= 2, d.box.width > 0, d.box.height > 0 else {
            throw FacesError.badModelOutput("detection needs a box and two eye keypoints")
        }
        let e0 = d.keypoints[0], e1 = d.keypoints[1]
        self.init(center: Point2(x: d.box.x + d.box.width / 2, y: d.box.y + d.box.height / 2),
                  side: max(d.box.width, d.box.height) * scale,
                  rotation: Self.normalized(atan2(e1.y - e0.y, e1.x - e0.x)))
    }

    /// MediaPipe's landmarks-to-ROI rule (`face_landmark_landmarks_to_roi`), used for tracking:
    /// centre and long side of the landmarks' axis-aligned bounding box, side × `scale` (1.5),
    /// rotated so the outer eye corners (33 → 263) are horizontal.
    /// - Throws: `FacesError.badModelOutput` when there are not 468 points.
    public init(landmarks points: [SIMD3<Float>], scale: Float = 1.5) throws {
        guard points.count == FaceLandmarks.count else {
            throw FacesError.badModelOutput("expected \(FaceLandmarks.count) landmarks, got \(points.count)")
        }
        var lo = SIMD2<Float>(repeating: .infinity), hi = SIMD2<Float>(repeating: -.infinity)
        for p in points {
            let q = SIMD2(p.x, p.y)
            lo = pointwiseMin(lo, q); hi = pointwiseMax(hi, q)
        }
        let size = hi - lo
        guard size.x > 0, size.y > 0, size.x.isFinite, size.y.isFinite else {
            throw FacesError.badModelOutput("landmarks span an empty or non-finite box")
        }
        let a = points[FaceLandmarks.rightEyeOuter], b = points[FaceLandmarks.leftEyeOuter]
        self.init(center: Point2(x: (lo.x + hi.x) / 2, y: (lo.y + hi.y) / 2),
                  side: max(size.x, size.y) * scale,
                  rotation: Self.normalized(atan2(b.y - a.y, b.x - a.x)))
    }

    /// Wraps an angle into [-π, π).
    static func normalized(_ a: Float) -> Float {
        let twoPi = 2 * Float.pi
        return a - twoPi * ((a + .pi) / twoPi).rounded(.down)
    }

    /// Coefficients (a, b, c, d, tx, ty) of the map from crop pixels of a `cropSize` square to
    /// image pixels: x = a·u + b·v + tx, y = c·u + d·v + ty.
    public func cropToImage(cropSize: Int) -> (a: Float, b: Float, c: Float, d: Float, tx: Float, ty: Float) {
        let k = side / Float(cropSize)
        let cs = cos(rotation), sn = sin(rotation)
        return (k * cs, -k * sn, k * sn, k * cs,
                center.x - 0.5 * side * (cs - sn), center.y - 0.5 * side * (sn + cs))
    }

    /// Maps a point of a `cropSize` crop (continuous crop pixels) to image pixels.
    public func imagePoint(cropX u: Float, cropY v: Float, cropSize: Int) -> Point2 {
        let m = cropToImage(cropSize: cropSize)
        return Point2(x: m.a * u + m.b * v + m.tx, y: m.c * u + m.d * v + m.ty)
    }

    /// Maps an image point into the crop's pixel coordinates (the inverse of `imagePoint`).
    public func cropPoint(_ p: Point2, cropSize: Int) -> Point2 {
        let k = Float(cropSize) / side
        let dx = p.x - center.x, dy = p.y - center.y
        let cs = cos(rotation), sn = sin(rotation)
        return Point2(x: k * (cs * dx + sn * dy) + Float(cropSize) / 2,
                      y: k * (-sn * dx + cs * dy) + Float(cropSize) / 2)
    }

    /// Projects the landmark model's raw output (x, y, z per point in crop pixels of a
    /// `cropSize` square) into image pixels; z is scaled like x and y and not rotated.
    /// - Throws: `FacesError.badModelOutput` when `raw.count` is not 3 × 468.
    public func project(raw: [Float], cropSize: Int) throws -> [SIMD3<Float>] {
        guard raw.count == 3 * FaceLandmarks.count else {
            throw FacesError.badModelOutput("expected \(3 * FaceLandmarks.count) landmark values, got \(raw.count)")
        }
        let m = cropToImage(cropSize: cropSize)
        let kz = side / Float(cropSize)
        var out = [SIMD3<Float>](repeating: .zero, count: FaceLandmarks.count)
        raw.withUnsafeBufferPointer { r in
            for i in 0..<FaceLandmarks.count {
                let u = r[3 * i], v = r[3 * i + 1], z = r[3 * i + 2]
                out[i] = SIMD3(m.a * u + m.b * v + m.tx, m.c * u + m.d * v + m.ty, z * kz)
            }
        }
        return out
    }
}
