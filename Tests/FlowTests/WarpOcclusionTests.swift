import TestMedia
import Foundation
import Imaging
import Testing
@testable import Flow

@Test func integerFlowWarpShiftsExactly() throws {
    let photo = Plane(luminanceOf: try Media.image("astronaut.png"))
    var flow = FlowField(width: photo.width, height: photo.height)
    for i in 0..<flow.u.count { flow.u[i] = 3; flow.v[i] = -2 }
    let out = Warp.backward(photo, flow: flow)
    var maxErr: Float = 0
    for y in 2..<(photo.height - 2) { for x in 0..<(photo.width - 3) { maxErr = max(maxErr, abs(out[x, y] - photo[x + 3, y - 2])) } }
    #expect(maxErr <= 1e-6)
}

@Test func occlusionMaskFollowsForwardBackwardConsistency() {
    let w = 64, h = 48
    var a = FlowField(width: w, height: h), b = FlowField(width: w, height: h)
    for i in 0..<a.u.count { a.u[i] = 2.5; b.u[i] = -2.5 }
    // Consistent constant motion: everything valid.
    #expect(Occlusion.validMask(flow: a, reverse: b).mean == 1)
    // Break the reverse flow in a block: the pixels of A that land there become occluded.
    for y in 10..<20 { for x in 30..<40 { b.u[y * w + x] = 3 } }
    let m = Occlusion.validMask(flow: a, reverse: b, motionBoundaries: false)
    #expect(m[30, 15] == 0 && m[10, 15] == 1)
    let bad = m.data.filter { $0 == 0 }.count
    #expect(bad >= 80 && bad <= 120, "occluded \(bad) of the ~100 pixels that map into the block")
    // A motion boundary (a step in the flow) is flagged by the gradient test even when consistent.
    var c = FlowField(width: w, height: h), d = c
    for y in 0..<h { for x in 0..<w where x >= 32 { c.u[y * w + x] = 4; d.u[y * w + x] = -4 } }
    let mb = Occlusion.validMask(flow: c, reverse: d)
    #expect(mb[31, 20] == 0 && mb[32, 20] == 0 && mb[10, 20] == 1 && mb[50, 20] == 1)
}

@Test func warpErrorOfOriginalAndNoisyCopy() throws {
    let frames = try Media.frames("bikes.mp4", count: 4)
    var meter = WarpErrorMeter(streams: 2, preset: .fast)
    var seed: UInt64 = 1
    for f in frames {
        var noisy = f
        for i in 0..<noisy.data.count {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            noisy.data[i] = min(1, max(0, noisy.data[i] + (Float(seed >> 40) / Float(1 << 24) - 0.5) * 0.1))
        }
        try meter.add(original: f, processed: [f, noisy])
    }
    let v = try meter.values(), o = try meter.originalValue()
    print("E_warp bikes original \(o), same copy \(v[0]), with ±0.05 noise \(v[1])")
    #expect(abs(v[0] - o) <= 1e-12)
    // Uniform noise of ±0.05 per channel adds 2·3·(0.1²/12) ≈ 0.005 to the per-pixel error.
    #expect(v[1] - o > 0.004 && v[1] - o < 0.006)
    #expect(o < 0.002)
    #expect(throws: FlowError.self) { try meter.add(original: frames[0], processed: [frames[0], Image(width: 4, height: 4)]) }
}
