import Imaging
import Neural
import Testing
@testable import Generation

private func source() -> [Float] {
    // A smooth real frame: the DCGAN's output for a fixed latent.
    var rng = SplitMix64(seed: 3)
    return try! sharedDCGAN.decode([rng.normalVector(count: 100)])[0].data
}

private func crop(_ im: ByteImage, x: Int, y: Int, w: Int, h: Int) -> [UInt8] {
    var out: [UInt8] = []
    for yy in y..<(y + h) { out += im.data[((yy * im.width + x) * 3)..<((yy * im.width + x + w) * 3)] }
    return out
}

/// Without sharpening, weights are normalised: a constant frame stays constant.
@Test func upscalerPreservesConstants() {
    var up = FrameUpscaler(inWidth: 64, inHeight: 64, width: 96, height: 80)
    up.sharpenAmount = 0
    let flat = [Float](repeating: 0.4, count: 64 * 64 * 3)
    let out = flat.withUnsafeBufferPointer { up.render($0, camera: .identity) }
    #expect(out.width == 96 && out.height == 80 && out.data.allSatisfy { $0 == 102 })
    var sharp = up
    sharp.sharpenAmount = 0.5
    let out2 = flat.withUnsafeBufferPointer { sharp.render($0, camera: .identity) }
    #expect(out2.data.allSatisfy { $0 == 102 })
}

/// Zoom 2 at 128² samples the source exactly where the centre 128² of an unzoomed 256² render does.
@Test func cameraZoomEqualsCentreCrop() {
    let src = source()
    var a = FrameUpscaler(inWidth: 64, inHeight: 64, width: 128, height: 128); a.sharpenAmount = 0
    var b = FrameUpscaler(inWidth: 64, inHeight: 64, width: 256, height: 256); b.sharpenAmount = 0
    let zoomed = src.withUnsafeBufferPointer { a.render($0, camera: CameraPose(zoom: 2)) }
    let big = src.withUnsafeBufferPointer { b.render($0, camera: .identity) }
    let ref = crop(big, x: 64, y: 64, w: 128, h: 128)
    let maxDiff = zip(zoomed.data, ref).map { abs(Int($0) - Int($1)) }.max()!
    #expect(maxDiff <= 1)
    // Pan by a quarter of the width shows the 256² render's right half.
    let panned = src.withUnsafeBufferPointer { a.render($0, camera: CameraPose(zoom: 2, panX: 0.25)) }
    let refR = crop(big, x: 128, y: 64, w: 128, h: 128)
    #expect(zip(panned.data, refR).map { abs(Int($0) - Int($1)) }.max()! <= 1)
}

/// A 90° rotation maps pixel centres onto pixel centres, so it must equal an exact index rotation.
@Test func cameraRotationIsCounterClockwise() {
    let src = source()
    let up = FrameUpscaler(inWidth: 64, inHeight: 64, width: 128, height: 128)
    let plain = src.withUnsafeBufferPointer { up.render($0, camera: .identity) }
    let rot = src.withUnsafeBufferPointer { up.render($0, camera: CameraPose(rotation: 90)) }
    var maxDiff = 0
    for y in 0..<128 { for x in 0..<128 { for c in 0..<3 {
        // Counter-clockwise on screen: the output's top-left comes from the input's top-right.
        let r = rot.data[(y * 128 + x) * 3 + c], p = plain.data[(x * 128 + (127 - y)) * 3 + c]
        maxDiff = max(maxDiff, abs(Int(r) - Int(p)))
    } } }
    #expect(maxDiff <= 1)
}
