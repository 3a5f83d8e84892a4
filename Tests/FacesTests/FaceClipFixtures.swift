import Foundation
import Imaging
import VideoIO
@testable import Faces

/// Shared real inputs for the model tests: the repo's clips/ photos and the ground-truth face clip.
enum FaceClips {
    static let dir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("clips")

    static func photo(_ name: String) throws -> ByteImage {
        try ImageFile.read(dir.appendingPathComponent(name))
    }

    /// The face clip's frames, decoded once.
    static let faceFrames: Result<[ByteImage], Error> = Result {
        let reader = try VideoReader(url: dir.appendingPathComponent("face.mp4"))
        var frames: [ByteImage] = []
        while let f = try reader.nextFrame() { frames.append(f.image) }
        return frames
    }

    /// Per-frame ground truth: the similarity mapping astronaut.png pixels to frame pixels.
    static let faceTransforms: Result<[ClipTransform], Error> = Result {
        struct File: Decodable { var transforms: [[Double]] }
        let data = try Data(contentsOf: dir.appendingPathComponent("face.json"))
        return try JSONDecoder().decode(File.self, from: data).transforms.map { t in
            guard t.count == 6 else { throw CocoaError(.fileReadCorruptFile) }
            return ClipTransform(a: Float(t[0]), b: Float(t[1]), tx: Float(t[2]), c: Float(t[3]), d: Float(t[4]), ty: Float(t[5]))
        }
    }

    /// Models shared by every test (loading is the slow part; both types are thread-safe).
    static let detector = Result { try FaceDetector(range: .short) }
    static let landmarker = Result { try FaceLandmarker() }
}

/// x' = a·x + b·y + tx, y' = c·x + d·y + ty (pixel centres at integers, as in face.json).
struct ClipTransform {
    var a, b, tx, c, d, ty: Float
    /// Uniform scale of the similarity.
    var scale: Float { (a * a + c * c).squareRoot() }
    func apply(_ p: Point2) -> Point2 { Point2(x: a * p.x + b * p.y + tx, y: c * p.x + d * p.y + ty) }
    func inverse(_ p: Point2) -> Point2 {
        let det = a * d - b * c
        let x = p.x - tx, y = p.y - ty
        return Point2(x: (d * x - b * y) / det, y: (-c * x + a * y) / det)
    }
}

func pixelDistance(_ p: Point2, _ q: Point2) -> Float {
    ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
}
