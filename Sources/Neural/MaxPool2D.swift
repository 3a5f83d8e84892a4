/// MAX_POOL_2D.
///   input  [N, H, W, C]
///   output [N, OH, OW, C]
/// out = max over the window, ignoring positions in the SAME padding. Vectorised over channels.
struct MaxPool2DKernel: Sendable {
    let g: ConvGeometry
    let activation: FusedActivation

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, team: WorkerTeam) {
        let rows = g.batch * g.outH
        let c = g.inC
        let vecC = c & ~7
        parallelChunks(rows, team: team, work: rows * g.outW * c * g.kernelH * g.kernelW) { _, range in
            for r in range {
                let b = r / g.outH, oy = r % g.outH
                let iy0 = oy * g.strideH - g.padTop
                let yLo = max(iy0, 0), yHi = min(iy0 + g.kernelH, g.inH)
                for ox in 0..<g.outW {
                    let ix0 = ox * g.strideW - g.padLeft
                    let xLo = max(ix0, 0), xHi = min(ix0 + g.kernelW, g.inW)
                    let o = output + (r * g.outW + ox) * c
                    var ch = 0
                    while ch < vecC {
                        var m = SIMD8<Float>(repeating: -.infinity)
                        for iy in yLo..<max(yLo, yHi) {
                            for ix in xLo..<max(xLo, xHi) {
                                let v = loadVec8(input + ((b * g.inH + iy) * g.inW + ix) * c + ch)
                                m = m.replacing(with: v, where: v .> m)
                            }
                        }
                        storeVec8(o + ch, m)
                        ch += 8
                    }
                    while ch < c {
                        var m = -Float.infinity
                        for iy in yLo..<max(yLo, yHi) {
                            for ix in xLo..<max(xLo, xHi) {
                                m = max(m, input[((b * g.inH + iy) * g.inW + ix) * c + ch])
                            }
                        }
                        o[ch] = m
                        ch += 1
                    }
                }
                applyActivation(activation, output + r * g.outW * c, count: g.outW * c)
            }
        }
    }
}
