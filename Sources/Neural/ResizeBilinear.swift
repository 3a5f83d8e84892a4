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
                let row0 = input + (b * inH + y0) * inW * c, row1 = input + (b * inH + y1) * inW * c
                for ox in 0..<outW {
                    let (x0, x1, dx) = xs[ox]
                    let o = output + (r * outW + ox) * c
                    let w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx, w10 = dy * (1 - dx), w11 = dy * dx
                    for ch in 0..<c {
                        o[ch] = row0[x0 * c + ch] * w00 + row0[x1 * c + ch] * w01
                            + row1[x0 * c + ch] * w10 + row1[x1 * c + ch] * w11
                    }
                }
            }
        }
    }
}
