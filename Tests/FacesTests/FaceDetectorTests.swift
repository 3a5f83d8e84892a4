import Foundation
import Imaging
import Testing
@testable import Faces

// BlazeFace on real photos and on the ground-truth face clip (clips/face.mp4 + face.json).

/// Pupils of astronaut.png marked by hand on a 4× zoom (subject's right eye first).
private let astronautEyes = [Point2(x: 202.5, y: 101), Point2(x: 246, y: 104)]

@Test func detectsTheAstronautFace() throws {
    let image = try FaceClips.photo("astronaut.png")
    for range in [FaceDetectorRange.short, .full] {
        let detector = range == .short ? try FaceClips.detector.get() : try FaceDetector(range: .full)
        let faces = try detector.detect(image)
        #expect(faces.count == 1, "\(range): \(faces.count) faces")
        let face = try #require(faces.first)
        #expect(face.score > 0.75)
        #expect(face.keypoints.count == 6)
        // Eye keypoints within 6 px (≈ 14% of the 44 px eye distance) of the hand-marked pupils,
        // and the box (≈ 95 px) holds both eyes in its upper half.
        for k in 0..<2 {
            #expect(pixelDistance(face.keypoints[k], astronautEyes[k]) < 6, "\(range) eye \(k): \(face.keypoints[k])")
            #expect(face.keypoints[k].x > face.box.x && face.keypoints[k].x < face.box.x + face.box.width)
            #expect(face.keypoints[k].y > face.box.y && face.keypoints[k].y < face.box.y + face.box.height / 2)
        }
        #expect(face.box.width > 70 && face.box.width < 130)
    }
}

@Test func findsNoFaceInCoffee() throws {
    let detector = try FaceDetector(range: .auto)   // short range, then full range
    #expect(try detector.detect(FaceClips.photo("coffee.png")).isEmpty)
}

@Test func detectionFollowsTheFaceClipGroundTruth() throws {
    let frames = try FaceClips.faceFrames.get()
    let truth = try FaceClips.faceTransforms.get()
    #expect(frames.count == truth.count && frames.count >= 60)
    let detector = try FaceClips.detector.get()
    // Reference: frame 0's detection, carried to frame i by T_i ∘ T_0⁻¹. (The photo itself is a
    // poor reference for boxes: its face spans 24 px of the 128 px model input against 57 px in
    // the clip, and BlazeFace's box fit depends on that scale — LiteRT gives the same 8% larger box
    // on frame 0 than the photo's box mapped by T_0.)
    let ref = try #require(try detector.detect(frames[0]).first)
    let t0 = truth[0]
    func carry(_ p: Point2, to t: ClipTransform) -> Point2 { t.apply(t0.inverse(p)) }
    let refCenter = Point2(x: ref.box.x + ref.box.width / 2, y: ref.box.y + ref.box.height / 2)
    var worstCenter: Float = 0, worstSize: Float = 0, worstEye: Float = 0
    var perKey = [Float](repeating: 0, count: 6)
    var sumCenter: Float = 0, sumSize: Float = 0
    for (i, frame) in frames.enumerated() {
        let faces = try detector.detect(frame)
        #expect(faces.count == 1, "frame \(i): \(faces.count) faces")
        guard let face = faces.first else { continue }
        let t = truth[i]
        let size = ref.box.width * t.scale / t0.scale          // expected face size in this frame
        let center = Point2(x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2)
        let dc = pixelDistance(center, carry(refCenter, to: t)) / size
        let ds = abs(face.box.width - size) / size
        worstCenter = max(worstCenter, dc); worstSize = max(worstSize, ds)
        sumCenter += dc; sumSize += ds
        for k in 0..<6 { perKey[k] = max(perKey[k], pixelDistance(face.keypoints[k], carry(ref.keypoints[k], to: t)) / size) }
        worstEye = perKey[0..<4].max()!
    }
    let n = Float(frames.count)
    if ProcessInfo.processInfo.environment["FACES_REPORT"] != nil {
        print("detection vs GT: centre mean \(sumCenter / n) max \(worstCenter), size mean \(sumSize / n) max \(worstSize), keypoints max \(perKey)")
    }
    // Tolerance: 5% of face size for the box centre, box size and the eye, nose and mouth
    // keypoints, every frame; 8% for the ear tragions, which the model places least surely.
    #expect(worstCenter <= 0.05, "worst centre error \(worstCenter), mean \(sumCenter / n)")
    #expect(worstSize <= 0.05, "worst size error \(worstSize), mean \(sumSize / n)")
    #expect(worstEye <= 0.05, "worst keypoint errors \(perKey)")
    #expect(perKey[4] <= 0.08 && perKey[5] <= 0.08, "worst keypoint errors \(perKey)")
}

@Test func findsTwoFacesInAWideComposite() throws {
    // Two copies of the astronaut's head (crop x 100..<356, y 0..<256) side by side, 600×256 with a
    // grey gutter: a wide image, so the letterbox pads top and bottom, and two faces NMS must keep apart.
    let head = try Image(FaceClips.photo("astronaut.png")).cropped(x: 100, y: 0, width: 256, height: 256)
    var wide = Image(width: 600, height: 256, channels: 3, fill: 0.5)
    wide.paste(head, x: 0, y: 0)
    wide.paste(head, x: 344, y: 0)
    for range in [FaceDetectorRange.short, .full] {
        let detector = range == .short ? try FaceClips.detector.get() : try FaceDetector(range: .full)
        let faces = try detector.detect(wide).sorted { $0.box.x < $1.box.x }
        #expect(faces.count == 2, "\(range): \(faces.count) faces")
        guard faces.count == 2 else { continue }
        #expect(faces[0].box.iou(faces[1].box) == 0)
        // Same 6 px tolerance on the hand-marked pupils as for the photo, shifted into each copy.
        for (face, dx) in zip(faces, [Float(-100), 244]) {
            for k in 0..<2 {
                let eye = Point2(x: astronautEyes[k].x + dx, y: astronautEyes[k].y)
                #expect(pixelDistance(face.keypoints[k], eye) < 6, "\(range) eye \(k): \(face.keypoints[k]) vs \(eye)")
            }
        }
    }
}
