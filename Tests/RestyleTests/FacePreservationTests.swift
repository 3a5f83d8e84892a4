import Faces
import Flow
import Foundation
import Imaging
import TestMedia
import Testing
import VideoIO
@testable import Restyle

/// Faces stay faces: on a real face photo (clips/astronaut.png) at 512×512 and cut down to the
/// 176×144 of a small real clip, Kinema's BlazeFace finds a face (score ≥ 0.5) in the output of
/// anime, toon, oil and two painting styles wherever it finds one in the input, and the output's face
/// box overlaps the input's (IoU ≥ 0.4): the look did not move or erase it. (Independent check with
/// OpenCV's detector over more photos: scripts/face-survival.py.)
@Test func looksKeepFacesAtAnySize() throws {
    let photo = try ImageFile.read(Media.url("astronaut.png"))
    // 176×144 from the centre-top square, as a small webcam clip would frame her.
    var rows: [UInt8] = []
    for y in 0..<360 {
        let start = (y * photo.width + 36) * 3
        rows += photo.data[start..<(start + 440 * 3)]
    }
    let crop = ByteImage(width: 440, height: 360, channels: 3, data: rows).resized(width: 176, height: 144, filter: .area)
    let detector = try FaceDetector(range: .auto, threads: 2)
    func best(_ img: ByteImage) throws -> FaceDetection? { try detector.detect(img).filter { $0.score >= 0.5 }.max { $0.score < $1.score } }
    func iou(_ a: FaceDetection, _ b: FaceDetection) -> Float {
        let x0 = max(a.box.x, b.box.x), y0 = max(a.box.y, b.box.y)
        let x1 = min(a.box.x + a.box.width, b.box.x + b.box.width), y1 = min(a.box.y + a.box.height, b.box.y + b.box.height)
        let inter = max(0, x1 - x0) * max(0, y1 - y0)
        return inter / (a.box.width * a.box.height + b.box.width * b.box.height - inter)
    }
    for image in [photo, crop] {
        let input = try #require(try best(image), "no face in the \(image.width)x\(image.height) input")
        for look in ["anime", "toon", "oil", "painting:1", "painting:17"] {
            let spec = try StyleSpec(parsing: look)
            var settings = StyleSettings(style: spec.style)
            settings.paintingWeights = spec.paintingWeights
            let out = TemporalCoherence(stylizer: try settings.makeStylizer(), parameters: CoherenceParameters(coherence: 0)).process(image)
            let face = try best(out)
            print("faces \(look) \(image.width)x\(image.height): score \(face?.score ?? 0), IoU \(face.map { iou($0, input) } ?? 0)")
            #expect(face != nil && iou(face!, input) >= 0.4, "\(look) at \(image.width)x\(image.height) lost the face")
        }
    }
}
