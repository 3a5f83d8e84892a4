import Imaging

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
        let u = threads.workspace(.winogradFilter, floats: 16 * k * c)
        threads.split(k, work: k * c * 40) { _, range in
            for o in range { for i in 0..<c { transformFilter(weight + (o * c + i) * 9, u + o * c + i, stride: k * c) } }
        }
        // Blocks hold whole tile rows, so the transforms can run sixteen tiles of one row at a time.
        let block = max(tw, min(tiles, blockFloats / (16 * max(c, k))) / tw * tw)
        let v = threads.workspace(.winogradInput, floats: 16 * c * block)
        let m = threads.workspace(.winogradProduct, floats: 16 * k * block)
        for n in 0..<batch {
            let x = input + n * c * h * w, y = output + n * k * h * w
            var t0 = 0
            while t0 < tiles {
                let tb = min(block, tiles - t0)
                threads.split(c, work: c * tb * 48) { _, range in
                    let padded = UnsafeMutablePointer<Float>.allocate(capacity: 4 * (w + 34))
                    defer { padded.deallocate() }
                    for ch in range {
                        transformInput(x + ch * h * w, height: h, width: w, tiles: t0..<(t0 + tb), into: v + ch * tb,
                                       stride: c * tb, rows: padded)
                    }
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

    /// V = Bᵀ d B for the tiles `tiles` (whole tile rows) of one input plane, zero padded; tile t − lowerBound,
    /// element ξ goes to `dst[ξ · stride + t − lowerBound]`. Sixteen tiles of a row per step: each input row
    /// is copied once into `rows` (4 × (w + 34) floats) with a zero border, then read as even/odd lanes.
    static func transformInput(_ x: UnsafePointer<Float>, height h: Int, width w: Int, tiles: Range<Int>,
                               into dst: UnsafeMutablePointer<Float>, stride: Int, rows: UnsafeMutablePointer<Float>) {
        let tw = w / 2, rowLength = w + 34
        var t = tiles.lowerBound
        while t < tiles.upperBound {
            let ty = t / tw
            for r in 0..<4 {
                let buf = rows + r * rowLength, yy = 2 * ty - 1 + r
                buf.update(repeating: 0, count: rowLength)
                if yy >= 0 && yy < h { (buf + 1).update(from: x + yy * w, count: w) }
            }
            var tx = 0
            while tx < tw {
                let o = dst + (t + tx - tiles.lowerBound)
                @inline(__always) func put(_ i: Int, _ r0: SIMD16<Float>, _ r1: SIMD16<Float>, _ r2: SIMD16<Float>, _ r3: SIMD16<Float>) {
                    if tx + 16 <= tw {
                        store16(o + (i * 4) * stride, 0, r0 - r2)
                        store16(o + (i * 4 + 1) * stride, 0, r1 + r2)
                        store16(o + (i * 4 + 2) * stride, 0, r2 - r1)
                        store16(o + (i * 4 + 3) * stride, 0, r1 - r3)
                    } else {
                        let a = r0 - r2, b = r1 + r2, cc = r2 - r1, d = r1 - r3
                        for j in 0..<(tw - tx) {
                            o[(i * 4) * stride + j] = a[j]; o[(i * 4 + 1) * stride + j] = b[j]
                            o[(i * 4 + 2) * stride + j] = cc[j]; o[(i * 4 + 3) * stride + j] = d[j]
                        }
                    }
                }
                // Columns 0…3 of sixteen tiles: even and odd lanes of two 32-float loads (buffer index = x + 1).
                @inline(__always) func columns(_ r: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
                    let p = UnsafeRawPointer(rows + r * rowLength + 2 * tx)
                    let v0 = p.loadUnaligned(as: SIMD32<Float>.self), v2 = (p + 8).loadUnaligned(as: SIMD32<Float>.self)
                    return (v0.evenHalf, v0.oddHalf, v2.evenHalf, v2.oddHalf)
                }
                let d0 = columns(0), d1 = columns(1), d2 = columns(2), d3 = columns(3)
                // Bᵀ d over rows, then B over columns: row combination i, column combination j.
                let e0 = (d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3)
                let e1 = (d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3)
                let e2 = (d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3)
                let e3 = (d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3)
                put(0, e0.0, e0.1, e0.2, e0.3); put(1, e1.0, e1.1, e1.2, e1.3)
                put(2, e2.0, e2.1, e2.2, e2.3); put(3, e3.0, e3.1, e3.2, e3.3)
                tx += 16
            }
            t += tw
        }
    }

    /// y += Aᵀ M A for the tiles `tiles` (whole tile rows) of one output plane; M element ξ of tile t at
    /// `m[ξ · stride + t − lowerBound]`. Sixteen tiles per step, outputs interleaved into 32-float rows.
    static func transformOutput(_ m: UnsafePointer<Float>, stride: Int, tiles: Range<Int>,
                                into y: UnsafeMutablePointer<Float>, width w: Int) {
        let tw = w / 2
        var t = tiles.lowerBound
        while t < tiles.upperBound {
            let ty = t / tw
            var tx = 0
            while tx < tw {
                let p = m + (t + tx - tiles.lowerBound), full = tx + 16 <= tw
                @inline(__always) func at(_ xi: Int) -> SIMD16<Float> {
                    if full { return load16(p + xi * stride) }
                    var v = SIMD16<Float>()
                    for j in 0..<(tw - tx) { v[j] = p[xi * stride + j] }
                    return v
                }
                // Aᵀ M: rows a = m0 + m1 + m2, b = m1 − m2 − m3 (each four columns), then · A.
                let m4 = at(4), m5 = at(5), m6 = at(6), m7 = at(7), m8 = at(8), m9 = at(9), m10 = at(10), m11 = at(11)
                let a0 = at(0) + m4 + m8, a1 = at(1) + m5 + m9, a2 = at(2) + m6 + m10, a3 = at(3) + m7 + m11
                let b0 = m4 - m8 - at(12), b1 = m5 - m9 - at(13), b2 = m6 - m10 - at(14), b3 = m7 - m11 - at(15)
                var top = SIMD32<Float>(), bottom = SIMD32<Float>()
                top.evenHalf = a0 + a1 + a2; top.oddHalf = a1 - a2 - a3
                bottom.evenHalf = b0 + b1 + b2; bottom.oddHalf = b1 - b2 - b3
                let o = y + (2 * ty) * w + 2 * tx
                if full {
                    let r0 = UnsafeMutableRawPointer(o), r1 = UnsafeMutableRawPointer(o + w)
                    r0.storeBytes(of: r0.loadUnaligned(as: SIMD32<Float>.self) + top, as: SIMD32<Float>.self)
                    r1.storeBytes(of: r1.loadUnaligned(as: SIMD32<Float>.self) + bottom, as: SIMD32<Float>.self)
                } else {
                    for j in 0..<(2 * (tw - tx)) { o[j] += top[j]; o[w + j] += bottom[j] }
                }
                tx += 16
            }
            t += tw
        }
    }
}
