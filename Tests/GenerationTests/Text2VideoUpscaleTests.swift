import Foundation
import Imaging
import Testing
import Upscale
@testable import Generation

/// `--upscale`: every method renders deterministically; the networks' frames are sharper than Lanczos at
/// the output size (Laplacian variance, median over the frames), and an unknown name is one clear error.
@Test func upscaleMethodsRenderSharperFrames() throws {
    func render(_ m: UpscaleMethod) throws -> [ByteImage] {
        var c = Text2VideoConfig()
        c.width = 256; c.height = 256; c.seconds = 0.5; c.upscale = m
        let plan = try Text2Video.plan(prompt: "a young woman smiles", config: c)
        var frames: [ByteImage] = []
        try Text2Video.render(plan, generator: sharedDCGAN, directions: nil) { _, f in frames.append(f) }
        return frames
    }
    func sharpness(_ fs: [ByteImage]) -> Double { fs.map(Sharpness.laplacianVariance).sorted()[fs.count / 2] }
    let lanczos = try render(.lanczos), compact = try render(.esrganCompact), plus = try render(.esrgan)
    #expect(try render(.esrganCompact) == compact)
    #expect(compact.count == 12 && plus.count == 12)
    #expect(sharpness(plus) >= 1.3 * sharpness(lanczos), "esrgan \(sharpness(plus)) vs lanczos \(sharpness(lanczos))")
    #expect(sharpness(compact) > sharpness(lanczos), "compact \(sharpness(compact)) vs lanczos \(sharpness(lanczos))")
    #expect(throws: UpscaleError.self) { try UpscaleMethod.parse("nearest") }
}
