import Foundation
import Testing
import Imaging
import struct Imaging.AffineTransform

/// The warp against a per-pixel evaluation of its definition (bilinear, outside neighbours = fill),
/// for transforms that put the interior/border split in awkward places.
@Suite struct WarpReferenceTests {
    static func reference(_ src: Image, _ t: AffineTransform, _ w: Int, _ h: Int, fill: Float) -> Image {
        var out = Image(width: w, height: h, channels: src.channels, fill: fill)
        func value(_ x: Int, _ y: Int, _ c: Int) -> Float {
            x >= 0 && y >= 0 && x < src.width && y < src.height ? src[x, y, c] : fill
        }
        for y in 0..<h {
            for x in 0..<w {
                let p = t.apply(Float(x), Float(y))
                let sx = Double(p.x), sy = Double(p.y)
                guard sx > -1, sy > -1, sx < Double(src.width), sy < Double(src.height) else { continue }
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let ax = Float(sx - Double(x0)), ay = Float(sy - Double(y0))
                for c in 0..<src.channels {
                    let top = value(x0, y0, c) * (1 - ax) + value(x0 + 1, y0, c) * ax
                    let bottom = value(x0, y0 + 1, c) * (1 - ax) + value(x0 + 1, y0 + 1, c) * ax
                    out[x, y, c] = top * (1 - ay) + bottom * ay
                }
            }
        }
        return out
    }

    // Every pixel within 1e-4 (Float coordinate rounding near pixel edges), for 1 and 3 channels.
    @Test(arguments: [
        AffineTransform.similarity(scale: 2.3, rotation: 0.7, tx: -20, ty: 5),
        AffineTransform(a: 1, b: 0.4, c: -0.3, d: 1, tx: 3.5, ty: 2.25),
        AffineTransform.similarity(scale: 0.01, rotation: 0, tx: 10.3, ty: 4.7),
        AffineTransform.scale(37),
        AffineTransform.translation(x: -0.5, y: 18.5),
        AffineTransform.rotation(-1.2, aboutX: 15, y: 11),
    ], [1, 3])
    func matchesDefinition(t: AffineTransform, channels: Int) {
        let src = TestImages.noise(width: 31, height: 23, channels: channels, seed: 23)
        let out = src.warpedAffine(t, width: 150, height: 70, fill: 0.3)
        let ref = Self.reference(src, t, 150, 70, fill: 0.3)
        #expect(out.maxAbsDifference(ref) < 1e-4)
    }
}
