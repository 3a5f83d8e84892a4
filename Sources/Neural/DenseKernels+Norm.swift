import Imaging

extension DenseKernels {
    /// GroupNorm on NCHW data: x, out [N, C, spatial]; gamma, beta [C]; statistics per (sample, group)
    /// over C/groups channels × spatial values. `silu` applies x·σ(x) to the result (the
    /// norm → SiLU pairs of ResNet blocks in one pass). `out` may equal `x`.
    public static func groupNorm(_ x: UnsafePointer<Float>, batch: Int, channels: Int, spatial: Int, groups: Int,
                                 eps: Float, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, silu: Bool,
                                 out: UnsafeMutablePointer<Float>, threads: ComputeThreads) {
        let perGroup = channels / groups
        let count = perGroup * spatial
        threads.split(batch * groups, work: batch * channels * spatial * 4) { _, units in
            for u in units {
                let g = u % groups
                let base = u * count  // (n·groups + g)·perGroup·spatial: groups tile the sample contiguously
                let (mean, variance) = meanVariance(x + base, count: count)
                let inv = 1 / (variance + eps).squareRoot()
                for cc in 0..<perGroup {
                    let ch = g * perGroup + cc
                    let scale = gamma[ch] * inv, shift = beta[ch] - mean * scale
                    affine(x + base + cc * spatial, out + base + cc * spatial, count: spatial, scale: scale, shift: shift, silu: silu)
                }
            }
        }
    }

    /// LayerNorm over the last dimension: x, out [rows, dim]; gamma, beta [dim]. `out` may equal `x`.
    public static func layerNorm(_ x: UnsafePointer<Float>, rows: Int, dim: Int, eps: Float,
                                 gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                 out: UnsafeMutablePointer<Float>, threads: ComputeThreads) {
        threads.split(rows, work: rows * dim * 4) { _, range in
            for r in range {
                let (mean, variance) = meanVariance(x + r * dim, count: dim)
                let inv = 1 / (variance + eps).squareRoot()
                let src = x + r * dim, dst = out + r * dim
                var i = 0
                while i + 16 <= dim {
                    let v = (load16(src + i) - mean) * inv
                    store16(dst, i, v * load16(gamma + i) + load16(beta + i))
                    i += 16
                }
                while i < dim { dst[i] = (src[i] - mean) * inv * gamma[i] + beta[i]; i += 1 }
            }
        }
    }

    /// Mean and biased variance of `count` floats (two passes; partial sums in Double per 4096 values).
    static func meanVariance(_ x: UnsafePointer<Float>, count: Int) -> (Float, Float) {
        func sum(_ f: (SIMD16<Float>) -> SIMD16<Float>, _ g: (Float) -> Float) -> Double {
            var total = 0.0, i = 0
            while i < count {
                let end = min(count, i + 4096)
                var acc = SIMD16<Float>()
                while i + 16 <= end { acc += f(load16(x + i)); i += 16 }
                var tail: Float = 0
                while i < end { tail += g(x[i]); i += 1 }
                total += Double(acc.sum() + tail)
            }
            return total
        }
        let mean = Float(sum({ $0 }, { $0 }) / Double(count))
        let m = SIMD16<Float>(repeating: mean)
        let variance = Float(sum({ ($0 - m) * ($0 - m) }, { ($0 - mean) * ($0 - mean) }) / Double(count))
        return (mean, variance)
    }

    /// out = x·scale + shift (then SiLU) over `count` floats.
    @inline(__always)
    static func affine(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
                       scale: Float, shift: Float, silu: Bool) {
        let s = SIMD16<Float>(repeating: scale), b = SIMD16<Float>(repeating: shift)
        var i = 0
        while i + 16 <= count {
            let v = load16(x + i) * s + b
            store16(out, i, silu ? VectorMath.silu(v) : v)
            i += 16
        }
        if i < count {
            var v = SIMD16<Float>()
            for j in 0..<(count - i) { v[j] = x[i + j] * scale + shift }
            if silu { v = VectorMath.silu(v) }
            for j in 0..<(count - i) { out[i + j] = v[j] }
        }
    }

    /// In-place SiLU over `count` floats.
    public static func silu(_ x: UnsafeMutablePointer<Float>, count: Int, threads: ComputeThreads) {
        map(x, count: count, threads: threads, VectorMath.silu)
    }

    /// GEGLU: x [rows, 2·dim] (hidden | gate halves) → out [rows, dim] = hidden · GELU(gate) (exact GELU).
    public static func geglu(_ x: UnsafePointer<Float>, rows: Int, dim: Int, out: UnsafeMutablePointer<Float>,
                             threads: ComputeThreads) {
        threads.split(rows, work: rows * dim * 8) { _, range in
            for r in range {
                let h = x + r * 2 * dim, g = h + dim, o = out + r * dim
                var i = 0
                while i + 16 <= dim {
                    store16(o, i, load16(h + i) * VectorMath.gelu(load16(g + i)))
                    i += 16
                }
                if i < dim {
                    var hv = SIMD16<Float>(), gv = SIMD16<Float>()
                    for j in 0..<(dim - i) { hv[j] = h[i + j]; gv[j] = g[i + j] }
                    let v = hv * VectorMath.gelu(gv)
                    for j in 0..<(dim - i) { o[i + j] = v[j] }
                }
            }
        }
    }

    /// Applies `f` in place, sixteen lanes at a time (the tail through a zero-padded vector).
    static func map(_ x: UnsafeMutablePointer<Float>, count: Int, threads: ComputeThreads,
                    _ f: (SIMD16<Float>) -> SIMD16<Float>) {
        let blocks = (count + 15) / 16
        threads.split(blocks, work: count * 8) { _, range in
            for blk in range {
                let i = blk * 16
                if i + 16 <= count {
                    store16(x, i, f(load16(x + i)))
                } else {
                    var v = SIMD16<Float>()
                    for j in 0..<(count - i) { v[j] = x[i + j] }
                    v = f(v)
                    for j in 0..<(count - i) { x[i + j] = v[j] }
                }
            }
        }
    }
}
