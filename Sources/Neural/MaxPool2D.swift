import Imaging

/// MAX_POOL_2D.
///   input  [N, H, W, C]
///   output [N, OH, OW, C]
/// out = max over the window, ignoring positions in the SAME padding. Vectorised over channels
/// (8 at a time, a last overlapping block covering C % 8); parallel over output rows.
struct MaxPool2DKernel: Sendable {
    let g: ConvGeometry
    let activation: FusedActivation

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, team: WorkerTeam) {
        let rows = g.batch * g.outH
        parallelChunks(rows, team: team, work: rows * g.outW * g.inC * g.kernelH * g.kernelW) { _, range in
            for r in range {
                row(r, input: input, output: output)
                applyActivation(activation, output + r &* g.outW &* g.inC, count: g.outW &* g.inC)
            }
        }
    }

    @inline(__always)
    private func row(_ r: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let c = g.inC, b = r / g.outH, oy = r % g.outH
        let iy0 = oy &* g.strideH &- g.padTop
        let yLo = max(iy0, 0), yHi = min(iy0 &+ g.kernelH, g.inH)
        let rowStride = g.inW &* c
        let inBatch = input + b &* g.inH &* rowStride
        for ox in 0..<g.outW {
            let ix0 = ox &* g.strideW &- g.padLeft
            let xLo = max(ix0, 0), xHi = min(ix0 &+ g.kernelW, g.inW)
            let o = output + (r &* g.outW &+ ox) &* c
            guard yLo < yHi, xLo < xHi else {
                // A window entirely in the padding (only with odd geometry): TFLite yields -inf.
                o.update(repeating: -.infinity, count: c)
                continue
            }
            let first = inBatch + (yLo &* rowStride &+ xLo &* c)
            var ch = 0
            while c >= 8 && ch < c {
                if ch &+ 8 > c { ch = c &- 8 }
                var m = load8(first + ch)
                var rowPtr = first + ch
                for _ in yLo..<yHi {
                    var q = rowPtr
                    for _ in xLo..<xHi {
                        let v = load8(q)
                        m = m.replacing(with: v, where: v .> m)
                        q += c
                    }
                    rowPtr += rowStride
                }
                store8(o + ch, 0, m)
                ch &+= 8
            }
            while ch < c {
                var m = first[ch]
                for iy in 0..<(yHi &- yLo) {
                    for ix in 0..<(xHi &- xLo) { m = max(m, first[iy &* rowStride &+ ix &* c &+ ch]) }
                }
                o[ch] = m
                ch &+= 1
            }
        }
    }
}
