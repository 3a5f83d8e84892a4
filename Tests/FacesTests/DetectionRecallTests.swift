import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// Recall on real group photos (dlib's example faces, boxes hand-labelled in dlib's training.xml and
/// testing.xml): seven small faces each, some turned or looking down. The short-range model alone
/// finds one face in each; both models merged by weighted NMS, with MediaPipe's 0.5 threshold, find all.
@Suite struct DetectionRecallTests {
    /// Labelled boxes (left, top, width, height) copied from dlib's XML files.
    static let labelled: [(String, [(Float, Float, Float, Float)])] = [
        ("group-2007_007763.jpg", [(194, 90, 37, 37), (158, 114, 37, 37), (381, 89, 45, 44), (94, 198, 37, 37),
                                   (178, 214, 37, 37), (294, 86, 37, 37), (309, 233, 45, 44)]),
        ("group-2008_007676.jpg", [(226, 62, 37, 37), (194, 113, 44, 44), (262, 130, 37, 37), (366, 134, 37, 37),
                                   (314, 122, 37, 37), (107, 141, 52, 53), (137, 84, 44, 44)]),
    ]

    static func recall(_ range: FaceDetectorRange) throws -> [(found: Int, matched: Int, labelled: Int)] {
        let detector = try FaceDetector(range: range)
        return try labelled.map { name, boxes in
            let faces = try detector.detect(ImageFile.read(SwapMedia.clip(name)))
            let matched = boxes.filter { b in
                let box = Box(x: b.0, y: b.1, width: b.2, height: b.3)
                return faces.contains { $0.box.iou(box) > 0.3 }
            }.count
            return (faces.count, matched, boxes.count)
        }
    }

    @Test func bothRangesFindEveryLabelledFace() throws {
        let both = try Self.recall(.both), auto = try Self.recall(.auto)
        print("recall both: \(both.map { "\($0.matched)/\($0.labelled) (\($0.found) found)" }), auto: \(auto.map { "\($0.matched)/\($0.labelled)" })")
        for r in both {
            #expect(r.matched == r.labelled)
            #expect(r.found <= r.labelled + 1)   // at most one unlabelled detection per photo
        }
        // The merged detector is what faceswap uses: it must beat short range alone on these photos.
        #expect(both.map(\.matched).reduce(0, +) > auto.map(\.matched).reduce(0, +))
    }

    @Test func weightedNMSMergesOneFaceFoundByBothModels() {
        let a = FaceDetection(box: Box(x: 10, y: 10, width: 40, height: 40), keypoints: [], score: 0.9)
        let b = FaceDetection(box: Box(x: 14, y: 10, width: 40, height: 40), keypoints: [], score: 0.6)
        let c = FaceDetection(box: Box(x: 200, y: 10, width: 40, height: 40), keypoints: [], score: 0.55)
        let m = FaceDetector.merge([a, c], [b])
        #expect(m.count == 2)
        #expect(m[0].score == 0.9)
        // Score-weighted mean of the two overlapping boxes: (10·0.9 + 14·0.6) / 1.5 = 11.6.
        #expect(abs(m[0].box.x - 11.6) < 1e-4)
    }
}
