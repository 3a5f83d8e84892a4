import Imaging

/// RESIZE_BILINEAR.
///   input  [N, H, W, C]
///   size   [2] int32 (OH, OW)
///   output [N, OH, OW, C]
/// Sample positions follow TFLite: scale = in/out, or (in-1)/(out-1) with align_corners;
/// src = (dst + 0.5) * scale - 0.5 with half_pixel_centers, else dst * scale;
/// lower = max(floor(src), 0), upper = min(ceil(src), in - 1), weight = src - floor(src).
struct ResizeBilinearKernel: Sendable {
    let batch: Int, inH: Int, inW: Int, c: Int, outH: Int, outW: Int
    let alignCorners: Bool, halfPixelCenters: Bool

    private static func taps(out: Int, input: Int, align: Bool, half: Bool) -> [(Int, Int, Float)] {
        let scale = align && out > 1 ? Float(input - 1) / Float(out - 1) : Float(input) / Float(out)
        return (0..<out).map { d in
            let src = half ? (Float(d) + 0.5) * scale - 0.5 : Float(d) * scale
            let f = src.rounded(.down)
            let lo = max(Int(f), 0), hi = min(Int(src.rounded(.up)), input - 1)
            return (min(lo, input - 1), max(hi, 0), src - f)
        }
    }

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, team: WorkerTeam) {
        let ys = Self.taps(out: outH, input: inH, align: alignCorners, half: halfPixelCenters)
        let xs = Self.taps(out: outW, input: inW, align: alignCorners, half: halfPixelCenters)
        let c = self.c
        parallelChunks(batch * outH, team: team, work: batch * outH * outW * c * 4) { _, range in
            for r in range {
                let b = r / outH, (y0, y1, dy) = ys[r % outH]
                let row0 = input + (b &* inH &+ y0) &* inW &* c, row1 = input + (b &* inH &+ y1) &* inW &* c
                for ox in 0..<outW {
                    let (x0, x1, dx) = xs[ox]
                    let o = output + (r &* outW &+ ox) &* c
                    let w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx, w10 = dy * (1 - dx), w11 = dy * dx
                    let p00 = row0 + x0 &* c, p01 = row0 + x1 &* c, p10 = row1 + x0 &* c, p11 = row1 + x1 &* c
                    // Eight channels at a time, the same products and sums in the same order as the
                    // scalar tail (no FMA contraction), so every lane matches it bit for bit.
                    let v00 = SIMD8(repeating: w00), v01 = SIMD8(repeating: w01)
                    let v10 = SIMD8(repeating: w10), v11 = SIMD8(repeating: w11)
                    var ch = 0
                    while ch &+ 8 <= c {
                        let t: SIMD8<Float> = load8(p00 + ch) * v00 + load8(p01 + ch) * v01
                        store8(o + ch, 0, t + load8(p10 + ch) * v10 + load8(p11 + ch) * v11)
                        ch &+= 8
                    }
                    while ch < c {
                        o[ch] = p00[ch] * w00 + p01[ch] * w01 + p10[ch] * w10 + p11[ch] * w11
                        ch &+= 1
                    }
                }
            }
        }
    }
}
