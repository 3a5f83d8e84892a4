import Imaging

/// Draws detections and landmarks over a frame, for `kinema detect --annotate` and debugging.
public enum FaceAnnotation {
    /// Colour of detection boxes (green).
    public static let boxColor: [UInt8] = [0, 230, 0]
    /// Colour of detection keypoints (red).
    public static let keypointColor: [UInt8] = [255, 40, 40]
    /// Colour of mesh points (cyan).
    public static let meshColor: [UInt8] = [0, 220, 255]
    /// Colour of the landmark ROI / tracked-face outline (yellow).
    public static let roiColor: [UInt8] = [255, 220, 0]

    /// Draws each detection's box and six keypoints, and each face's 468 mesh points and the
    /// rotated square its landmarks were computed from. Faces without detections (tracked
    /// frames) get their landmarks' bounding box instead. Works on RGB images.
    public static func draw(detections: [FaceDetection], faces: [FaceLandmarks], on image: inout ByteImage) {
        guard image.channels >= 3 else { return }
        let thick = max(1, min(image.width, image.height) / 300)
        for d in detections {
            image.drawBox(x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height,
                          color: boxColor, thickness: thick)
            for k in d.keypoints { image.drawPoint(x: k.x, y: k.y, color: keypointColor, radius: thick + 1) }
        }
        for f in faces {
            if detections.isEmpty {
                let b = f.boundingBox
                image.drawBox(x: b.x, y: b.y, width: b.width, height: b.height, color: boxColor, thickness: thick)
            }
            if let roi = f.roi {
                let n = FaceLandmarker.inputSize
                let corners = [(0, 0), (n, 0), (n, n), (0, n)].map {
                    roi.imagePoint(cropX: Float($0.0), cropY: Float($0.1), cropSize: n)
                }
                for i in 0..<4 {
                    let p = corners[i], q = corners[(i + 1) % 4]
                    image.drawLine(x0: p.x, y0: p.y, x1: q.x, y1: q.y, color: roiColor, thickness: thick)
                }
            }
            let r = f.interOcularDistance > 60 ? 1 : 0
            for p in f.points { image.drawPoint(x: p.x, y: p.y, color: meshColor, radius: r) }
        }
    }
}
