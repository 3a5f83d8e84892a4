/// Winograd F(2×2, 3×3) for the 3×3, stride-1, pad-1 convolutions that dominate the UNet and VAE:
/// each 2×2 output tile costs 16 multiplies per (in, out) channel pair instead of 36, as sixteen GEMMs
/// U_ξ[K×C] · V_ξ[C×T] over the tile transforms (Lavin & Gray, "Fast Algorithms for Convolutional
/// Neural Networks", 2015). Transforms:
///   U = G g Gᵀ, G = [[1,0,0], [½,½,½], [½,−½,½], [0,0,1]]
///   V = Bᵀ d B, Bᵀ = [[1,0,−1,0], [0,1,1,0], [0,−1,1,0], [0,1,0,−1]]
///   Y = Aᵀ M A, Aᵀ = [[1,1,1,0], [0,1,−1,−1]]
/// Tiles are processed in blocks so the transformed input and product stay within `blockFloats` each.
extension DenseKernels {
    /// Whether the Winograd path computes `shape` (3×3, stride 1, "same" padding, even sides, wide
    /// enough in channels for the GEMMs to dominate the transforms).
    static func winogradApplies(_ s: ConvShape) -> Bool {
        s.kernel == 3 && s.stride == 1 && s.padTop == 1 && s.padLeft == 1 && s.outHeight == s.height
            && s.outWidth == s.width && s.height % 2 == 0 && s.width % 2 == 0 && s.channels >= 32 && s.outChannels >= 32
    }

    /// output [N, K, H, W] += conv3×3(input [N, C, H, W], weight [K, C, 3, 3]) by Winograd F(2, 3).
    static func winogradConv(_ s: ConvShape, batch: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             output: UnsafeMutablePointer<Float>, threads: ComputeThreads, blockFloats: Int = 1 << 24) {
        let c = s.channels, k = s.outChannels, h = s.height, w = s.width
        let tw = w / 2, tiles = (h / 2) * tw
        let u = UnsafeMutablePointer<Float>.allocate(capacity: 16 * k * c)
        defer { u.deallocate() }
        threads.split(k, work: k * c * 40) { _, range in
            for o in range { for i in 0..<c { transformFilter(weight + (o * c + i) * 9, u + o * c + i, stride: k * c) } }
        }
        let block = max(32, min(tiles, blockFloats / (16 * max(c, k))) / 32 * 32)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * c * block)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * k * block)
        defer { v.deallocate(); m.deallocate() }
        for n in 0..<batch {
            let x = input + n * c * h * w, y = output + n * k * h * w
            var t0 = 0
            while t0 < tiles {
                let tb = min(block, tiles - t0)
                threads.split(c, work: c * tb * 48) { _, range in
                    for ch in range { transformInput(x + ch * h * w, height: h, width: w, tiles: t0..<(t0 + tb), into: v + ch * tb, stride: c * tb) }
                }
                for xi in 0..<16 {
                    let source = MatrixBSource(b: MatrixOperand(v + xi * c * tb, rowStride: tb))
                    DenseGemm.run(m: k, n: tb, k: c, a: MatrixOperand(u + xi * k * c, rowStride: c), b: { _ in source },
                                  c: { _ in m + xi * k * tb }, ldc: tb, accumulate: false, threads: threads)
                }
                threads.split(k, work: k * tb * 48) { _, range in
                    for o in range { transformOutput(m + o * tb, stride: k * tb, tiles: t0..<(t0 + tb), into: y + o * h * w, width: w) }
                }
                t0 += tb
            }
        }
    }

    /// U = G g Gᵀ for one 3×3 filter; element ξ goes to `dst[ξ · stride]`.
    @inline(__always)
    static func transformFilter(_ g: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, stride: Int) {
        // G g, as four rows of three (the fourth lane unused).
        let g0 = SIMD4(g[0], g[1], g[2], 0), g1 = SIMD4(g[3], g[4], g[5], 0), g2 = SIMD4(g[6], g[7], g[8], 0)
        let rows = (g0, (g0 + g1 + g2) * 0.5, (g0 - g1 + g2) * 0.5, g2)
        @inline(__always) func put(_ r: Int, _ v: SIMD4<Float>) {
            dst[(r * 4) * stride] = v[0]
            dst[(r * 4 + 1) * stride] = (v[0] + v[1] + v[2]) * 0.5
            dst[(r * 4 + 2) * stride] = (v[0] - v[1] + v[2]) * 0.5
            dst[(r * 4 + 3) * stride] = v[2]
        }
        put(0, rows.0); put(1, rows.1); put(2, rows.2); put(3, rows.3)
    }

    /// V = Bᵀ d B for the tiles `tiles` of one input plane (zero padding outside); tile t − lowerBound,
    /// element ξ goes to `dst[ξ · stride + t − lowerBound]`.
    static func transformInput(_ x: UnsafePointer<Float>, height h: Int, width w: Int, tiles: Range<Int>,
                               into dst: UnsafeMutablePointer<Float>, stride: Int) {
        let tw = w / 2
        for t in tiles {
            let ty = t / tw, tx = t - ty * tw
            let y0 = 2 * ty - 1, x0 = 2 * tx - 1
            @inline(__always) func row(_ r: Int) -> SIMD4<Float> {
                let yy = y0 + r
                guard yy >= 0 && yy < h else { return SIMD4<Float>() }
                let p = x + yy * w
                if x0 >= 0 && x0 + 4 <= w { return SIMD4(p[x0], p[x0 + 1], p[x0 + 2], p[x0 + 3]) }
                var v = SIMD4<Float>()
                for i in 0..<4 where x0 + i >= 0 && x0 + i < w { v[i] = p[x0 + i] }
                return v
            }
            let d0 = row(0), d1 = row(1), d2 = row(2), d3 = row(3)
            let o = dst + (t - tiles.lowerBound)
            // Bᵀ d (rows), then · B (columns).
            @inline(__always) func put(_ i: Int, _ r: SIMD4<Float>) {
                o[(i * 4) * stride] = r[0] - r[2]
                o[(i * 4 + 1) * stride] = r[1] + r[2]
                o[(i * 4 + 2) * stride] = r[2] - r[1]
                o[(i * 4 + 3) * stride] = r[1] - r[3]
            }
            put(0, d0 - d2); put(1, d1 + d2); put(2, d2 - d1); put(3, d1 - d3)
        }
    }

    /// y += Aᵀ M A for the tiles `tiles` of one output plane; M element ξ of tile t at `m[ξ · stride + t − lowerBound]`.
    static func transformOutput(_ m: UnsafePointer<Float>, stride: Int, tiles: Range<Int>,
                                into y: UnsafeMutablePointer<Float>, width w: Int) {
        let tw = w / 2
        for t in tiles {
            let p = m + (t - tiles.lowerBound)
            @inline(__always) func rowOf(_ i: Int) -> SIMD4<Float> {
                SIMD4(p[(i * 4) * stride], p[(i * 4 + 1) * stride], p[(i * 4 + 2) * stride], p[(i * 4 + 3) * stride])
            }
            let m0 = rowOf(0), m1 = rowOf(1), m2 = rowOf(2), m3 = rowOf(3)
            let a = m0 + m1 + m2, b = m1 - m2 - m3  // Aᵀ M: two rows of four
            let ty = t / tw, tx = t - ty * tw
            let o = y + (2 * ty) * w + 2 * tx
            o[0] += a[0] + a[1] + a[2]; o[1] += a[1] - a[2] - a[3]
            o[w] += b[0] + b[1] + b[2]; o[w + 1] += b[1] - b[2] - b[3]
        }
    }
}
