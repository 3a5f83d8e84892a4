import Faces
import Foundation
import Imaging
import Neural
import Testing
@testable import Generation

/// For every attribute, moving a held-out latent one storyboard unit along the shipped direction must move
/// the attribute measured by Kinema's FaceMesh in the requested direction on ≥ 90% of 50 held-out seeds
/// (seeds disjoint from the fit's sampler). Seeds where no face is found count as failures.
@Test func directionsMoveMeasuredAttributes() throws {
    let dirs = try AttributeDirections(contentsOf: repoRoot.appendingPathComponent("models/directions-dcgan-faces-64.json"), latentSize: 100)
    let detector = try FaceDetector(range: .short)
    let landmarker = try FaceLandmarker()
    var up = FrameUpscaler(inWidth: 64, inHeight: 64, width: 256, height: 256)
    up.sharpenAmount = 0
    func measure(_ zs: [[Float]]) throws -> [[Float]?] {
        try sharedDCGAN.decode(zs).map { im in
            let big = im.data.withUnsafeBufferPointer { up.render($0, camera: .identity) }
            guard let det = try detector.detect(big).max(by: { $0.score < $1.score }),
                  let lm = try landmarker.landmarks(in: big, detection: det) else { return nil }
            return FaceAttributeMeasure.measure(points: lm.points, image: Image(big))
        }
    }
    var rng = SplitMix64(seed: 0x4E1D_0017)
    let base = (0..<50).map { _ in rng.normalVector(count: 100).map { $0 * 0.8 } }
    let m0 = try measure(base)
    for (ai, attr) in FaceAttribute.allCases.enumerated() {
        let d = try #require(dirs.attributes[attr.rawValue])
        let moved = base.map { z in zip(z, d.vector).map { $0 + d.step * $1 } }
        let m1 = try measure(moved)
        let ok = zip(m0, m1).filter { a, b in
            guard let a, let b else { return false }
            return b[ai] > a[ai]
        }.count
        #expect(ok >= 45, "\(attr.rawValue): \(ok)/50 moved in the requested direction")
    }
}
