import Foundation
import Testing
@testable import Faces

// Pure geometry of the face pipeline: anchors, decoding, NMS, letterbox, ROI.
// Expected values are worked out by hand from MediaPipe's calculator options.

@Test func shortRangeAnchorsMatchMediaPipeLayout() {
    let a = SSDAnchors.generate(.shortRange)
    #expect(a.count == 896)
    // Stride 8: 16×16 cells × 2 anchors, row-major, both anchors of a cell share its centre.
    #expect(a[0] == SSDAnchor(centerX: 0.5 / 16, centerY: 0.5 / 16, width: 1, height: 1))
    #expect(a[1] == a[0])
    #expect(a[2].centerX == 1.5 / 16 && a[2].centerY == 0.5 / 16)
    #expect(a[32].centerX == 0.5 / 16 && a[32].centerY == 1.5 / 16)
    // Stride 16 (three merged layers): 8×8 cells × 6 anchors starting at 512.
    #expect(a[511].centerX == 15.5 / 16 && a[511].centerY == 15.5 / 16)
    #expect(a[512].centerX == 0.5 / 8 && a[512].centerY == 0.5 / 8)
    #expect(a[517] == a[512])
    #expect(a[518].centerX == 1.5 / 8)
    #expect(a[895].centerX == 7.5 / 8 && a[895].centerY == 7.5 / 8)
}

@Test func fullRangeAnchorsAreOnePerCell() {
    let a = SSDAnchors.generate(.fullRange)
    #expect(a.count == 2304)
    #expect(a[0].centerX == 0.5 / 48 && a[1].centerX == 1.5 / 48)
    #expect(a[48].centerY == 1.5 / 48)
    #expect(a[2303].centerX == 47.5 / 48 && a[2303].centerY == 47.5 / 48)
}

@Test func sigmoidClipsLogits() {
    #expect(DetectionDecoder.sigmoid(0) == 0.5)
    #expect(abs(DetectionDecoder.sigmoid(2) - 0.880797) < 1e-5)
    #expect(DetectionDecoder.sigmoid(50, clip: 5) == DetectionDecoder.sigmoid(5))
    #expect(DetectionDecoder.sigmoid(-.infinity) == 0 && !DetectionDecoder.sigmoid(.nan).isInfinite)
    #expect(DetectionDecoder.sigmoid(.infinity) == 1)
}

@Test func decoderAppliesAnchorOffsetsAndThreshold() throws {
    let anchors = SSDAnchors.generate(.shortRange)
    var reg = [Float](repeating: 0, count: anchors.count * 16)
    var scores = [Float](repeating: -10, count: anchors.count)
    // Anchor 600 (stride 16, cell 88/6 = 14 → x 6, y 1): centre (6.5/8, 1.5/8).
    let i = 600
    scores[i] = 3
    reg[i * 16 + 0] = 12.8      // +0.1 normalised
    reg[i * 16 + 1] = -6.4      // -0.05
    reg[i * 16 + 2] = 32        // width 0.25
    reg[i * 16 + 3] = 25.6      // height 0.2
    reg[i * 16 + 4] = -12.8     // keypoint 0 x: -0.1
    reg[i * 16 + 15] = 6.4      // keypoint 5 y: +0.05
    let dec = DetectionDecoder(anchors: anchors, scale: 128, scoreThreshold: 0.5)
    let out = try dec.decode(regressors: reg, scores: scores)
    #expect(out.count == 1)
    let d = try #require(out.first)
    let cx: Float = 6.5 / 8 + 0.1, cy: Float = 1.5 / 8 - 0.05
    #expect(abs(d.box.x - (cx - 0.125)) < 1e-6 && abs(d.box.y - (cy - 0.1)) < 1e-6)
    #expect(abs(d.box.width - 0.25) < 1e-6 && abs(d.box.height - 0.2) < 1e-6)
    #expect(abs(d.keypoints[0].x - (6.5 / 8 - 0.1)) < 1e-6)
    #expect(abs(d.keypoints[5].y - (1.5 / 8 + 0.05)) < 1e-6)
    #expect(abs(d.score - DetectionDecoder.sigmoid(3)) < 1e-7)
    #expect(throws: FacesError.self) { try dec.decode(regressors: [1, 2, 3], scores: scores) }
}

@Test func weightedNMSAveragesClustersByScore() {
    func det(_ x: Float, _ s: Float) -> FaceDetection {
        FaceDetection(box: Box(x: x, y: 0, width: 10, height: 10), keypoints: [Point2(x: x, y: 1)], score: s)
    }
    // Two overlapping boxes (IoU 0.82) merge; a far one survives on its own.
    let out = WeightedNMS.apply([det(1, 0.6), det(0, 0.9), det(100, 0.7)], iouThreshold: 0.3)
    #expect(out.count == 2)
    #expect(out[0].score == 0.9)
    #expect(abs(out[0].box.x - 0.6 / 1.5) < 1e-6)
    #expect(abs(out[0].keypoints[0].x - 0.6 / 1.5) < 1e-6)
    #expect(out[1].box.x == 100 && out[1].score == 0.7)
    // Below the IoU threshold nothing merges (IoU of a 7 px shift is 3/17 < 0.3).
    #expect(WeightedNMS.apply([det(0, 0.9), det(7, 0.8)]).count == 2)
}

@Test func letterboxRoundTripsAndCentresContent() throws {
    let lb = try Letterbox(sourceWidth: 1280, sourceHeight: 720, size: 128)
    #expect(lb.contentWidth == 128 && lb.contentHeight == 72)
    #expect(lb.padLeft == 0 && lb.padTop == 28)
    // The source's outer pixel edges (centres at integers) land on the content's edges.
    let tl = lb.toInput(Point2(x: -0.5, y: -0.5)), br = lb.toInput(Point2(x: 1279.5, y: 719.5))
    #expect(abs(tl.y - 28.0 / 128) < 1e-6 && abs(br.y - 100.0 / 128) < 1e-6 && abs(br.x - 1) < 1e-6)
    let p = Point2(x: 333.5, y: 611.25)
    let q = lb.toSource(lb.toInput(p))
    #expect(abs(q.x - p.x) < 1e-3 && abs(q.y - p.y) < 1e-3)
    let d = lb.toSource(FaceDetection(box: Box(x: 0.5, y: 0.5, width: 0.25, height: 0.25), keypoints: [], score: 1))
    #expect(abs(d.box.x - 639.5) < 1e-3 && abs(d.box.y - ((64 - 28) * 10 - 0.5)) < 1e-2)
    #expect(abs(d.box.width - 320) < 1e-3 && abs(d.box.height - 320) < 1e-3)
    #expect(throws: FacesError.self) { try Letterbox(sourceWidth: 0, sourceHeight: 5, size: 128) }
}

@Test func detectionROIIsRotatedSquareAroundBox() throws {
    // Eyes tilted 30° clockwise on screen.
    let angle = Float.pi / 6
    let d = FaceDetection(box: Box(x: 100, y: 50, width: 80, height: 60),
                          keypoints: [Point2(x: 120, y: 70), Point2(x: 120 + 40 * cos(angle), y: 70 + 40 * sin(angle))],
                          score: 0.9)
    let roi = try FaceROI(detection: d)
    #expect(abs(roi.rotation - angle) < 1e-5)
    #expect(roi.side == 120 && roi.center == Point2(x: 140, y: 80))
    // The crop centre maps to the ROI centre, the crop's x axis runs along the eye line.
    let c = roi.imagePoint(cropX: 96, cropY: 96, cropSize: 192)
    #expect(abs(c.x - 140) < 1e-4 && abs(c.y - 80) < 1e-4)
    let r = roi.imagePoint(cropX: 192, cropY: 96, cropSize: 192)
    #expect(abs(r.x - (140 + 60 * cos(angle))) < 1e-3 && abs(r.y - (80 + 60 * sin(angle))) < 1e-3)
    let back = roi.cropPoint(Point2(x: 151, y: 33), cropSize: 192)
    let again = roi.imagePoint(cropX: back.x, cropY: back.y, cropSize: 192)
    #expect(abs(again.x - 151) < 1e-3 && abs(again.y - 33) < 1e-3)
    #expect(abs(FaceROI.normalized(3 * .pi) - (-.pi)) < 1e-5)
}

@Test func landmarkProjectionAndTrackingROIAreConsistent() throws {
    let roi = FaceROI(center: Point2(x: 300, y: 200), side: 150, rotation: -0.4)
    // A synthetic ring of crop points (x, y, z) → image; the tracking ROI rebuilt from them
    // keeps the centre and recovers the eye-line rotation we planted at 33 → 263.
    var raw = [Float](repeating: 0, count: 468 * 3)
    for i in 0..<468 {
        let t = Float(i) / 468 * 2 * .pi
        raw[3 * i] = 96 + 60 * cos(t); raw[3 * i + 1] = 96 + 60 * sin(t); raw[3 * i + 2] = Float(i % 7) - 3
    }
    raw[33 * 3] = 60; raw[33 * 3 + 1] = 90; raw[263 * 3] = 130; raw[263 * 3 + 1] = 90
    let pts = try roi.project(raw: raw, cropSize: 192)
    #expect(abs(pts[5].z - raw[17] * 150 / 192) < 1e-5)
    let p0 = roi.imagePoint(cropX: raw[0], cropY: raw[1], cropSize: 192)
    #expect(abs(pts[0].x - p0.x) < 1e-4 && abs(pts[0].y - p0.y) < 1e-4)
    let track = try FaceROI(landmarks: pts)
    #expect(abs(track.rotation - roi.rotation) < 1e-4)
    #expect(abs(track.center.x - 300) < 1 && abs(track.center.y - 200) < 1)
    #expect(throws: FacesError.self) { try roi.project(raw: [1, 2], cropSize: 192) }
}
