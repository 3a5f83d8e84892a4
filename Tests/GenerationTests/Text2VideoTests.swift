import Foundation
import Imaging
import Neural
import Testing
@testable import Generation

private func config(_ w: Int = 128, seconds: Double = 4) -> Text2VideoConfig {
    var c = Text2VideoConfig()
    c.width = w; c.height = w; c.seconds = seconds
    return c
}

private func renderAll(_ plan: Text2VideoPlan, cache: NativeFrameCache? = nil) throws -> [ByteImage] {
    var frames: [ByteImage] = []
    try Text2Video.render(plan, generator: sharedDCGAN, directions: nil, cache: cache) { _, f in frames.append(f) }
    return frames
}

/// Coherence: a 4 s clip's consecutive-frame MAD must be ≤ 1/5 of what independent random latents give at
/// the same fps and size, and no single step may exceed a MAD of 15/255 (no jumps; a cut between two
/// random faces measures ~60). Three subjects in 4 s is a fast morph, so this is a demanding case.
@Test func clipIsTemporallyCoherent() throws {
    let plan = try Text2Video.plan(prompt: "a young woman then a man then an old sailor", config: config())
    let frames = try renderAll(plan)
    #expect(frames.count == 96)
    var clip = FlickerMetric()
    for f in frames { try clip.add(f) }
    // Independent random latents, same count and size.
    var rng = SplitMix64(seed: 99)
    let zs = (0..<frames.count).map { _ in rng.normalVector(count: 100) }
    let imgs = try sharedDCGAN.decode(zs)
    let up = FrameUpscaler(inWidth: 64, inHeight: 64, width: 128, height: 128)
    var random = FlickerMetric()
    for im in imgs { try im.data.withUnsafeBufferPointer { try random.add(up.render($0, camera: .identity)) } }
    #expect(clip.meanMAD * 5 <= random.meanMAD, "clip \(clip.meanMAD) vs random \(random.meanMAD)")
    #expect(clip.maxMAD < 15, "largest step \(clip.maxMAD)")
    #expect(clip.vbenchScore > 0.98)
}

@Test func rerunsAreByteIdenticalAndResumeMatches() throws {
    var c = config(96, seconds: 2)
    c.batch = 8
    let plan = try Text2Video.plan(prompt: "a calm face then she smiles, zoom in then rotates", config: c)
    let a = try renderAll(plan)
    let b = try renderAll(plan)
    #expect(a == b)
    // Simulated crash after 20 frames, then resume from the cache.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-t2v-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("clip.mp4")
    struct Crash: Error {}
    let cache = try NativeFrameCache(output: out, plan: plan, resume: false)
    #expect(throws: Crash.self) {
        try Text2Video.render(plan, generator: sharedDCGAN, directions: nil, cache: cache) { i, _ in if i == 20 { throw Crash() } }
    }
    #expect(cache.completedBatches == 3)
    let resumed = try NativeFrameCache(output: out, plan: plan, resume: true)
    #expect(try renderAll(plan, cache: resumed) == a)
    // A different plan must not resume from this cache.
    let other = try Text2Video.plan(prompt: "a man", config: c)
    #expect(throws: GenerationError.self) { try NativeFrameCache(output: out, plan: other, resume: true) }
}

@Test func badSettingsAreRejected() {
    for (w, fps, s) in [(0, 24, 1.0), (513, 24, 1), (512, 0, 1), (512, 1000, 1), (512, 24, -2), (512, 24, 1e7)] {
        var c = Text2VideoConfig()
        c.width = w; c.height = 512; c.fps = fps; c.seconds = s
        #expect(throws: GenerationError.self) { try Text2Video.plan(prompt: "a face", config: c) }
    }
}
