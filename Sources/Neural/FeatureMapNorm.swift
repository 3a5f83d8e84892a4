import Foundation

/// Instance normalisation as the style networks use it, fused with what follows it: the affine
/// step, ReLU or sigmoid, a residual add, nearest ×2 upsampling, reflect padding for the next
/// convolution and a change of layout, all written in one pass into the next layer's input buffer.
/// Statistics come from one parallel read (sums of x − k and (x − k)² with k the channel's first
/// pixel, float SIMD per row, Double across rows), the write from a second: before, the network made
/// four passes (two in Double, scalar) plus a padded copy and fresh allocations per layer.
extension FeatureMap {
    /// Per-channel mean and (biased) variance of a feature map with pad 0.
    static func moments(_ x: FeatureView, team: WorkerTeam) -> (mean: [Double], variance: [Double]) {
        let c = x.channels, h = x.height, w = x.width, n = Double(h * w)
        let planar = x.layout == .planar
        let src = UnsafePointer(x.base)
        var shift = [Float](repeating: 0, count: c)
        for ch in 0..<c { shift[ch] = planar ? src[ch * h * w] : src[ch] }
        let threads = team.threads
        var partial = [Double](repeating: 0, count: threads * 2 * c)
        let rows = planar ? c * h : h
        partial.withUnsafeMutableBufferPointer { pp in shift.withUnsafeBufferPointer { kp in
            let acc = pp.baseAddress!, k = kp.baseAddress!
            parallelChunks(rows, team: team, work: rows * w * (planar ? 1 : c) * 2) { t, range in
                let sum = acc + t * 2 * c, sq = sum + c
                for r in range {
                    if planar {
                        let ch = r / h, row = src + r * w, kv = SIMD16<Float>(repeating: k[ch])
                        var s = SIMD16<Float>(), q = SIMD16<Float>(), i = 0
                        while i + 16 <= w { let v = load16(row + i) - kv; s += v; q = q.addingProduct(v, v); i += 16 }
                        var ss = Double(s.sum()), qq = Double(q.sum())
                        while i < w { let v = Double(row[i] - k[ch]); ss += v; qq += v * v; i += 1 }
                        sum[ch] += ss; sq[ch] += qq
                    } else if c % 16 == 0 {
                        let row = src + r * w * c
                        var g = 0
                        while g < c {
                            let kv = load16(k + g)
                            var s = SIMD16<Float>(), q = SIMD16<Float>()
                            for px in 0..<w { let v = load16(row + px * c + g) - kv; s += v; q = q.addingProduct(v, v) }
                            for j in 0..<16 { sum[g + j] += Double(s[j]); sq[g + j] += Double(q[j]) }
                            g += 16
                        }
                    } else {
                        let row = src + r * w * c
                        for ch in 0..<c {
                            var s: Float = 0, q: Float = 0
                            for px in 0..<w { let v = row[px * c + ch] - k[ch]; s += v; q += v * v }
                            sum[ch] += Double(s); sq[ch] += Double(q)
                        }
                    }
                }
            }
        }}
        var mean = [Double](repeating: 0, count: c), variance = mean
        for ch in 0..<c {
            var s = 0.0, q = 0.0
            for t in 0..<threads { s += partial[t * 2 * c + ch]; q += partial[t * 2 * c + c + ch] }
            let m = s / n
            mean[ch] = m + Double(shift[ch])
            variance[ch] = max(0, q / n - m * m)
        }
        return (mean, variance)
    }

    /// y = act(scale_c · (x − μ_c) / sqrt(σ²_c + ε) + shift_c) [+ residual], μ and σ² over the pixels of
    /// channel c of `x` (pad 0), written into the interior of `y` (either layout) upsampled by `upsample`
    /// (1 or 2, nearest), and `y`'s padding filled by reflection. `residual` (the layout and size of `x`,
    /// any pad) is added after the activation.
    /// - Throws: `ONNXError.missing` when the views do not fit together.
    public static func instanceNormalize(_ x: FeatureView, into y: FeatureView, upsample u: Int = 1, scale: [Float], shift: [Float],
                                         epsilon: Float, activation: Activation, residual: FeatureView? = nil,
                                         team: ComputeTeam) throws {
        let c = x.channels, h = x.height, w = x.width
        guard x.pad == 0, u == 1 || u == 2, y.channels == c, y.height == h * u, y.width == w * u, y.pad < y.height, y.pad < y.width,
              scale.count == c, shift.count == c,
              residual.map({ $0.layout == x.layout && $0.height == h && $0.width == w && $0.channels == c }) ?? true else {
            throw ONNXError.missing("instance norm views \(h)×\(w)×\(c) ×\(u) → \(y.height)×\(y.width)×\(y.channels)")
        }
        let (mean, variance) = moments(x, team: team.team)
        var a = [Float](repeating: 0, count: c), b = a
        for k in 0..<c {
            let inv = 1 / (variance[k] + Double(epsilon)).squareRoot()
            a[k] = Float(Double(scale[k]) * inv)
            b[k] = Float(Double(shift[k]) - Double(scale[k]) * inv * mean[k])
        }
        let writer = NormWriter(x: x, y: y, u: u, residual: residual, activation: activation)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
            let tasks = x.layout == .planar ? c * h : h
            parallelChunks(tasks, team: team.team, work: tasks * w * (x.layout == .planar ? 1 : c) * 8) { _, range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: w * (x.layout == .planar ? 1 : c) + 16) { tmp in
                    for t in range { writer.row(t, a: ap.baseAddress!, b: bp.baseAddress!, tmp: tmp.baseAddress!) }
                }
            }
        }}
        writer.reflectRows()
    }
}

/// The write half of `FeatureMap.instanceNormalize`: one task per source row (NHWC) or per channel row (planar).
private struct NormWriter {
    let x: FeatureView, y: FeatureView, u: Int, residual: FeatureView?, activation: FeatureMap.Activation

    /// Normalises source row `t` into `tmp` (in the source's layout), then stores it into `y`.
    func row(_ t: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, tmp: UnsafeMutablePointer<Float>) {
        let c = x.channels, h = x.height, w = x.width
        let planar = x.layout == .planar
        let ch = planar ? t / h : 0, sy = planar ? t % h : t
        let n = planar ? w : w * c
        let src = x.base + (planar ? t * w : t * w * c)
        // Affine + activation into tmp.
        if planar {
            let av = SIMD16<Float>(repeating: a[ch]), bv = SIMD16<Float>(repeating: b[ch])
            var i = 0
            while i + 16 <= n { store16(tmp + i, act(av * load16(src + i) + bv)); i += 16 }
            while i < n { tmp[i] = actScalar(a[ch] * src[i] + b[ch]); i += 1 }
        } else if c % 16 == 0 {
            for px in 0..<w {
                var g = 0
                while g < c { store16(tmp + px * c + g, act(load16(a + g) * load16(src + px * c + g) + load16(b + g))); g += 16 }
            }
        } else {
            for px in 0..<w { for k in 0..<c { tmp[px * c + k] = actScalar(a[k] * src[px * c + k] + b[k]) } }
        }
        if let r = residual {
            let rw = r.storedWidth
            if planar {
                let rrow = r.base + (ch * r.storedHeight + sy + r.pad) * rw + r.pad
                for i in 0..<w { tmp[i] += rrow[i] }
            } else {
                let rrow = r.base + ((sy + r.pad) * rw + r.pad) * c
                for i in 0..<n { tmp[i] += rrow[i] }
            }
        }
        // Store: destination rows p + sy·u + j, columns p + sx·u + i.
        let p = y.pad, dw = y.storedWidth, dh = y.storedHeight
        let dy0 = p + sy * u
        if y.layout == .nhwc {
            let drow = y.base + (dy0 * dw + p) * c
            if planar {
                for sx in 0..<w { for i in 0..<u { drow[(sx * u + i) * c + ch] = tmp[sx] } }
            } else if u == 1 {
                drow.update(from: tmp, count: n)
            } else {
                for sx in 0..<w { for i in 0..<u { (drow + (sx * u + i) * c).update(from: tmp + sx * c, count: c) } }
            }
            reflectColumns(y.base + dy0 * dw * c, channelOffset: planar ? ch : 0, channels: planar ? 1 : c, stride: c)
            for j in 1..<max(u, 2) where j < u {
                let first = y.base + dy0 * dw * c, dst = first + j * dw * c
                if planar {
                    for px in 0..<dw { dst[px * c + ch] = first[px * c + ch] }
                } else {
                    dst.update(from: first, count: dw * c)
                }
            }
        } else {
            let channels = planar ? ch..<(ch + 1) : 0..<c
            for k in channels {
                let drow = y.base + (k * dh + dy0) * dw + p
                if planar && u == 1 {
                    drow.update(from: tmp, count: w)
                } else {
                    for sx in 0..<w {
                        let v = planar ? tmp[sx] : tmp[sx * c + k]
                        for i in 0..<u { drow[sx * u + i] = v }
                    }
                }
                reflectColumns(y.base + (k * dh + dy0) * dw, channelOffset: 0, channels: 1, stride: 1)
                for j in 1..<max(u, 2) where j < u {
                    (drow - p + j * dw).update(from: drow - p, count: dw)
                }
            }
        }
    }

    @inline(__always) func act(_ v: SIMD16<Float>) -> SIMD16<Float> {
        switch activation {
        case .none: return v
        case .relu: return v.replacing(with: 0, where: v .< 0)
        case .sigmoid: return 1 / (1 + VectorMath.exp(-v))
        }
    }

    @inline(__always) func actScalar(_ v: Float) -> Float {
        switch activation {
        case .none: return v
        case .relu: return max(v, 0)
        case .sigmoid: return 1 / (1 + expf(-v))
        }
    }

    /// Fills the left and right padding of one stored row (pixels `stride` floats apart) by reflection.
    func reflectColumns(_ row: UnsafeMutablePointer<Float>, channelOffset: Int, channels: Int, stride: Int) {
        let p = y.pad, iw = y.width
        for i in 0..<p {
            for k in channelOffset..<(channelOffset + channels) {
                row[(p - 1 - i) * stride + k] = row[(p + 1 + i) * stride + k]
                row[(p + iw + i) * stride + k] = row[(p + iw - 2 - i) * stride + k]
            }
        }
    }

    /// Fills the top and bottom padding rows by reflection (after every row is written).
    func reflectRows() {
        let p = y.pad, ih = y.height, dw = y.storedWidth, dh = y.storedHeight
        let planes = y.layout == .planar ? y.channels : 1, rowFloats = y.layout == .planar ? dw : dw * y.channels
        for k in 0..<planes {
            let plane = y.base + k * dh * dw
            for i in 0..<p {
                (plane + (p - 1 - i) * rowFloats).update(from: plane + (p + 1 + i) * rowFloats, count: rowFloats)
                (plane + (p + ih + i) * rowFloats).update(from: plane + (p + ih - 2 - i) * rowFloats, count: rowFloats)
            }
        }
    }
}
