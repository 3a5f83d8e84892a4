import Imaging

/// 3×3 stride-1 convolution by Winograd F(4×4, 3×3) (Lavin & Gray 2016), NHWC.
///   input [1, H, W, Cin], filter [Cout, 3, 3, Cin], bias [Cout], output [1, OH, OW, Cout]
/// Each 4×4 output tile reads a 6×6 input patch; the patch and the filter are transformed
/// (V = Bᵀ d B, U = G g Gᵀ, 36 values per channel), the 36 transformed planes are multiplied as 36 GEMMs
/// [tiles × Cin] · [Cin × Cout] on `PackedGemm`, and each tile returns through Y = Aᵀ M A. That is 36
/// multiplies per 16 outputs instead of 144: 4× fewer for the GEMMs. Tiles go in chunks (`maxChunk`) per
/// thread, so the transformed chunk stays in cache between the transform, the 36 GEMMs and the way back. The epilogue (bias, activation, residual,
/// PReLU slope) runs in the output transform, in `PackedGemm`'s order.
/// Used when Cin and Cout are multiples of 8 (the channel vectors); the first and last convolutions of
/// an image network (3 channels) stay on the direct path.
struct WinogradConv: Sendable {
    let inH: Int, inW: Int, inC: Int, outH: Int, outW: Int, outC: Int, padTop: Int, padLeft: Int
    let activation: FusedActivation
    /// Largest chunk, in tiles: the chunk's transformed input (36 × 48 × 192 floats, 1.3 MB at most for
    /// x4plus) stays in L2. 24, 48 and 96 measured within noise of each other on the loaded machine.
    static let maxChunk = 48
    /// Tiles per chunk: at most `maxChunk`, and a multiple-of-`threads` chunk count so the threads get equal shares.
    let chunkTiles: Int

    init(inH: Int, inW: Int, inC: Int, outH: Int, outW: Int, outC: Int, padTop: Int, padLeft: Int, activation: FusedActivation, threads: Int) {
        self.inH = inH; self.inW = inW; self.inC = inC; self.outH = outH; self.outW = outW; self.outC = outC
        self.padTop = padTop; self.padLeft = padLeft; self.activation = activation
        let tiles = ((outH + 3) / 4) * ((outW + 3) / 4), t = max(threads, 1)
        let chunks = ((tiles + Self.maxChunk - 1) / Self.maxChunk + t - 1) / t * t
        chunkTiles = max(1, (tiles + chunks - 1) / chunks)
    }
    var tilesY: Int { (outH + 3) / 4 }
    var tilesX: Int { (outW + 3) / 4 }

    /// Floats of per-thread scratch: the chunk's transformed input (36 × tiles × Cin) and products (36 × tiles × Cout).
    var scratchFloats: Int { 36 * chunkTiles * (inC + outC) }

    static func applies(kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int, dilationW: Int, inC: Int, outC: Int) -> Bool {
        kernelH == 3 && kernelW == 3 && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1 && inC % 8 == 0 && outC % 8 == 0 && inC >= 16
    }

    /// U = G g Gᵀ for every (out, in) pair, packed per ξ for `PackedGemm`: 36 blocks of [Cout/16][Cin][16].
    /// `filter` is [Cout, 3, 3, Cin]. Done once at load (x4plus: 1.9M pairs), so it avoids any allocation per pair.
    static func transformFilter(_ filter: [Float], outC: Int, inC: Int) -> [Float] {
        let g: [Float] = [1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
                          1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1]  // G, 6×3
        var planes = [Float](repeating: 0, count: 36 * outC * inC)
        var tmp = [Float](repeating: 0, count: 18)
        for o in 0..<outC {
            for c in 0..<inC {
                // tmp = G·k (6×3), then U = tmp·Gᵀ (6×6).
                for a in 0..<6 {
                    for x in 0..<3 {
                        var acc: Float = 0
                        for y in 0..<3 { acc += g[a * 3 + y] * filter[((o * 3 + y) * 3 + x) * inC + c] }
                        tmp[a * 3 + x] = acc
                    }
                }
                for a in 0..<6 {
                    for b in 0..<6 {
                        let u = tmp[a * 3] * g[b * 3] + tmp[a * 3 + 1] * g[b * 3 + 1] + tmp[a * 3 + 2] * g[b * 3 + 2]
                        planes[((a * 6 + b) * outC + o) * inC + c] = u
                    }
                }
            }
        }
        var out: [Float] = []
        for xi in 0..<36 {
            let base = xi * outC * inC
            out += PackedGemm.pack(filter: planes[base..<(base + outC * inC)], n: outC, k: inC)
        }
        return out
    }

    /// Runs the convolution. `packedU` from `transformFilter`, `bias` padded to 16, `zeroBias` ≥ Cout zeros.
    func run(input: UnsafePointer<Float>, packedU: UnsafePointer<Float>, bias: UnsafePointer<Float>, zeroBias: UnsafePointer<Float>,
             alpha: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
             scratch: [UnsafeMutablePointer<Float>], team: WorkerTeam) {
        let tiles = tilesY * tilesX
        let chunks = (tiles + chunkTiles - 1) / chunkTiles
        let gemm = PackedGemm(n: outC, k: inC, activation: .none)
        let uStride = (outC + 15) / 16 * 16 * inC
        parallelChunks(chunks, team: team, work: tiles * 36 * inC * outC) { thread, range in
            let v = scratch[thread], mm = v + 36 * chunkTiles * inC
            for chunk in range {
                let t0 = chunk * chunkTiles, count = min(chunkTiles, tiles - t0)
                // V is [tile][ξ][Cin]: each tile's transform writes one contiguous run (36 planes as separate
                // write streams measured slower), and plane ξ's GEMM reads rows 36·Cin apart.
                for t in 0..<count { transformInput(input, tile: t0 + t, into: v + t * 36 * inC, planeStride: inC) }
                for xi in 0..<36 {
                    gemm.run(rows: 0..<count, a: v + xi * inC, layout: .matrix(lda: 36 * inC, k: inC),
                             packed: packedU + xi * uStride, bias: zeroBias, c: mm + xi * chunkTiles * outC)
                }
                for t in 0..<count {
                    transformOutput(mm + t * outC, planeStride: chunkTiles * outC, tile: t0 + t, bias: bias, alpha: alpha,
                                    residual: residual, output: output)
                }
            }
        }
    }

    /// V = Bᵀ d B for one tile, all channels; plane ξ of the tile goes to `v + ξ·planeStride`. Sixteen
    /// channels per step (one zmm) when Cin allows, else eight: the transform costs about as much as the
    /// GEMMs it feeds, so its width matters.
    private func transformInput(_ input: UnsafePointer<Float>, tile: Int, into v: UnsafeMutablePointer<Float>, planeStride: Int) {
        if inC % 16 == 0 {
            transformInput(input, tile: tile, into: v, planeStride: planeStride, as: SIMD16<Float>.self)
        } else {
            transformInput(input, tile: tile, into: v, planeStride: planeStride, as: SIMD8<Float>.self)
        }
    }

    @inline(__always)
    private func transformInput<V: SIMD>(_ input: UnsafePointer<Float>, tile: Int, into v: UnsafeMutablePointer<Float>,
                                         planeStride: Int, as: V.Type) where V.Scalar == Float {
        let y0 = (tile / tilesX) * 4 - padTop, x0 = (tile % tilesX) * 4 - padLeft
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        @inline(__always) func store(_ p: UnsafeMutablePointer<Float>, _ x: V) { UnsafeMutableRawPointer(p).storeBytes(of: x, as: V.self) }
        withUnsafeTemporaryAllocation(of: V.self, capacity: 72) { buf in
            let d = buf.baseAddress!, t = d + 36
            var c = 0
            while c < inC {
                for i in 0..<6 {
                    let y = y0 + i
                    for j in 0..<6 {
                        let x = x0 + j
                        d[i * 6 + j] = y >= 0 && y < inH && x >= 0 && x < inW ? load(input + (y * inW + x) * inC + c) : V()
                    }
                }
                // Columns first: t = Bᵀ d, then rows: V = t B.
                for j in 0..<6 {
                    let r = Self.bt(d[j], d[6 + j], d[12 + j], d[18 + j], d[24 + j], d[30 + j])
                    t[j] = r.0; t[6 + j] = r.1; t[12 + j] = r.2; t[18 + j] = r.3; t[24 + j] = r.4; t[30 + j] = r.5
                }
                for i in 0..<6 {
                    let r = Self.bt(t[i * 6], t[i * 6 + 1], t[i * 6 + 2], t[i * 6 + 3], t[i * 6 + 4], t[i * 6 + 5])
                    let o = v + i * 6 * planeStride + c
                    store(o, r.0); store(o + planeStride, r.1); store(o + 2 * planeStride, r.2)
                    store(o + 3 * planeStride, r.3); store(o + 4 * planeStride, r.4); store(o + 5 * planeStride, r.5)
                }
                c += V.scalarCount
            }
        }
    }

    @inline(__always)
    private static func bt<V: SIMD>(_ d0: V, _ d1: V, _ d2: V, _ d3: V, _ d4: V, _ d5: V) -> (V, V, V, V, V, V) where V.Scalar == Float {
        let a = d4 - 4 * d2, b = d3 - 4 * d1, p = d4 - d2, q = 2 * (d3 - d1)
        return (4 * d0 - 5 * d2 + d4, a + b, a - b, p + q, p - q, 4 * d1 - 5 * d3 + d5)
    }

    @inline(__always)
    private static func at(_ m0: SIMD8<Float>, _ m1: SIMD8<Float>, _ m2: SIMD8<Float>, _ m3: SIMD8<Float>, _ m4: SIMD8<Float>,
                           _ m5: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
        let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
        return (m0 + s12 + s34, d12 + 2 * d34, s12 + 4 * s34, d12 + 8 * d34 + m5)
    }

    /// Y = Aᵀ M A for one tile, then bias, activation, residual and slope; writes the in-bounds outputs.
    private func transformOutput(_ mm: UnsafePointer<Float>, planeStride: Int, tile: Int, bias: UnsafePointer<Float>,
                                 alpha: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let oy0 = (tile / tilesX) * 4, ox0 = (tile % tilesX) * 4
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 28) { buf in
            let t = buf.baseAddress!, row = t + 24
            var c = 0
            while c < outC {
                for j in 0..<6 {
                    let p = mm + j * planeStride + c
                    let r = Self.at(load8(p), load8(p + 6 * planeStride), load8(p + 12 * planeStride), load8(p + 18 * planeStride),
                                    load8(p + 24 * planeStride), load8(p + 30 * planeStride))
                    t[j] = r.0; t[6 + j] = r.1; t[12 + j] = r.2; t[18 + j] = r.3
                }
                let b = load8(bias + c)
                for i in 0..<4 {
                    let y = oy0 + i
                    guard y < outH else { break }
                    let r = Self.at(t[i * 6], t[i * 6 + 1], t[i * 6 + 2], t[i * 6 + 3], t[i * 6 + 4], t[i * 6 + 5])
                    row[0] = r.0; row[1] = r.1; row[2] = r.2; row[3] = r.3
                    for j in 0..<4 {
                        let x = ox0 + j
                        guard x < outW else { break }
                        var val = activation.apply(row[j] + b)
                        let off = (y * outW + x) * outC + c
                        if let residual { val += load8(residual + off) }
                        if let alpha { let a = load8(alpha + c); val = val.replacing(with: val * a, where: val .< 0) }
                        store8(output + off, 0, val)
                    }
                }
                c += 8
            }
        }
    }
}
