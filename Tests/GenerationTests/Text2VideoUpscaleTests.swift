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

/// The resume cache holds native 64×64 batches and is read back as such when a network enlarges the frames:
/// a planted flat grey batch comes out as flat grey frames.
@Test func resumeCacheFeedsTheNetwork() throws {
    var c = Text2VideoConfig()
    c.width = 64; c.height = 64; c.seconds = 0.25; c.batch = 6; c.upscale = .esrganCompact
    let plan = try Text2Video.plan(prompt: "a calm face, still", config: c)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-t2v-up-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let cache = try NativeFrameCache(output: dir.appendingPathComponent("clip.mp4"), plan: plan, resume: false)
    try cache.store(batch: 0, [Float](repeating: 0.5, count: 6 * 64 * 64 * 3))
    var frames: [ByteImage] = []
    try Text2Video.render(plan, generator: sharedDCGAN, directions: nil, cache: cache) { _, f in frames.append(f) }
    #expect(frames.count == 6)
    for f in frames { #expect(f.data.allSatisfy { abs(Int($0) - 128) <= 3 }, "frame is not the planted grey") }
}
