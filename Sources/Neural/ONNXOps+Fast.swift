import Foundation

/// Vectorised, team-parallel paths of `ONNXOps` for what the stylisation graphs run at full size:
/// elementwise ops on equal shapes, per-channel ([1, C, 1, 1]) or scalar operands; quantise /
/// dequantise with one scale (and a quantise fused with the dequantise that reads it); reflect Pad on
/// the two spatial axes; nearest Resize by whole factors; GlobalAveragePool. Each returns nil when
/// its shapes are not the simple case, and the general path runs instead. Arithmetic is the general
/// path's, value for value (the same division, round-half-even, Double sums).
extension ONNXOps {
    enum Binary { case add, sub, mul, div }

    @inline(__always)
    static func apply(_ kind: Binary, _ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        switch kind {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        }
    }

    /// Runs `body` over `0..<count` in pieces (two threads for big tensors).
    @inline(__always)
    static func pieces(_ count: Int, team: ComputeTeam?, _ body: (Range<Int>) -> Void) {
        parallelChunks(count, team: team?.team, work: count * 4, align: 16) { _, r in body(r) }
    }

    /// A tensor of `x`'s shape whose values `body(source, destination)` writes (no copy of `x` first).
    @inline(__always)
    static func mapped(_ x: Tensor, team: ComputeTeam?, _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        var out = x
        var data = team?.array(x.count) ?? [Float](unsafeUninitializedCapacity: x.count) { _, n in n = x.count }
        data.withUnsafeMutableBufferPointer { d in x.data.withUnsafeBufferPointer { body($0.baseAddress!, d.baseAddress!) } }
        out.data = data
        return out
    }

    /// a ∘ b for equal shapes, a scalar operand, or a per-channel [1, C, 1, 1] against [1, C, H, W].
    static func fastBinary(_ a: Tensor, _ b: Tensor, _ kind: Binary, team: ComputeTeam?) -> Tensor? {
        if a.shape == b.shape {
            return mapped(a, team: team) { pa, po in b.data.withUnsafeBufferPointer { q in
                let pq = q.baseAddress!
                pieces(a.count, team: team) { r in
                    var i = r.lowerBound
                    while i + 16 <= r.upperBound { store16(po + i, apply(kind, load16(pa + i), load16(pq + i))); i += 16 }
                    while i < r.upperBound { po[i] = apply(kind, SIMD16(repeating: pa[i]), SIMD16(repeating: pq[i]))[0]; i += 1 }
                }
            }}
        }
        // One operand broadcast per plane (a scalar is one plane of the whole tensor).
        let aBig = a.count >= b.count
        let big = aBig ? a : b, small = aBig ? b : a
        let planes: Int
        if small.count == 1 && small.shape.count <= big.shape.count {
            planes = 1
        } else if big.shape.count == 4, small.shape.count == 4, big.shape[0] == 1, small.shape == [1, big.shape[1], 1, 1] {
            planes = big.shape[1]
        } else {
            return nil
        }
        let plane = big.count / max(planes, 1)
        return mapped(big, team: team) { pb, po in small.data.withUnsafeBufferPointer { s in
            let ps = s.baseAddress!
            pieces(planes, team: planes > 1 && plane * planes >= 65536 ? team : nil) { r in
                for c in r {
                    let v = SIMD16<Float>(repeating: ps[c]), p = pb + c * plane, o = po + c * plane
                    var i = 0
                    while i + 16 <= plane {
                        let x = load16(p + i)
                        store16(o + i, aBig ? apply(kind, x, v) : apply(kind, v, x)); i += 16
                    }
                    while i < plane {
                        let x = SIMD16<Float>(repeating: p[i])
                        o[i] = (aBig ? apply(kind, x, v) : apply(kind, v, x))[0]; i += 1
                    }
                }
            }
        }}
    }

    /// Scale and zero point of a quantise/dequantise when both are single values.
    static func scalarQuant(_ args: [Tensor?]) -> (scale: Float, zero: Float)? {
        guard args.count > 1, let s = args[1], s.count == 1 else { return nil }
        let z = args.count > 2 ? args[2] : nil
        guard z.map({ $0.count == 1 }) ?? true else { return nil }
        return (s.data[0], z?.data[0] ?? 0)
    }

    /// y = (clamp(round_half_even(x / qs) + qz, range) − dz) · ds when `dequantize` is given, else the
    /// quantised value; one pass.
    static func fakeQuantize(_ x: Tensor, quantize q: (scale: Float, zero: Float)?, range: ClosedRange<Float>,
                             dequantize d: (scale: Float, zero: Float)?, team: ComputeTeam?) -> Tensor {
        return mapped(x, team: team) { src, dst in
            pieces(x.count, team: team) { r in
                if let q {
                    quantizeRun(src, dst, r, scale: q.scale, zero: q.zero, lo: range.lowerBound, hi: range.upperBound,
                                dScale: d?.scale ?? 1, dZero: d?.zero ?? 0, dequantize: d != nil)
                } else if let d {
                    let s = SIMD16<Float>(repeating: d.scale), z = SIMD16<Float>(repeating: d.zero)
                    var i = r.lowerBound
                    while i + 16 <= r.upperBound { store16(dst + i, (load16(src + i) - z) * s); i += 16 }
                    while i < r.upperBound { dst[i] = (src[i] - d.zero) * d.scale; i += 1 }
                }
            }
        }
    }

    /// The quantise (and dequantise) loop over `r`. Adding and removing 1.5·2^23 rounds half to even for
    /// |v| < 2^22; larger values are clamped first (they saturate anyway).
    static func quantizeRun(_ src: UnsafePointer<Float>, _ p: UnsafeMutablePointer<Float>, _ r: Range<Int>, scale: Float, zero: Float, lo: Float, hi: Float,
                            dScale: Float, dZero: Float, dequantize: Bool) {
        let vs = SIMD16<Float>(repeating: scale), vz = SIMD16<Float>(repeating: zero)
        let vlo = SIMD16<Float>(repeating: lo), vhi = SIMD16<Float>(repeating: hi)
        let magic = SIMD16<Float>(repeating: 12_582_912), cap = SIMD16<Float>(repeating: 4_194_304)
        let ds = SIMD16<Float>(repeating: dScale), dz = SIMD16<Float>(repeating: dZero)
        @inline(__always) func f(_ v: SIMD16<Float>) -> SIMD16<Float> {
            var t = v / vs
            t = t.replacing(with: cap, where: t .> cap)
            t = t.replacing(with: -cap, where: t .< -cap)
            var y = ((t + magic) - magic) + vz
            y = y.replacing(with: vlo, where: y .< vlo)
            y = y.replacing(with: vhi, where: y .> vhi)
            return dequantize ? (y - dz) * ds : y
        }
        var i = r.lowerBound
        while i + 16 <= r.upperBound { store16(p + i, f(load16(src + i))); i += 16 }
        while i < r.upperBound {
            let y = min(max((src[i] / scale).rounded(.toNearestOrEven) + zero, lo), hi)
            p[i] = dequantize ? (y - dZero) * dScale : y
            i += 1
        }
    }

    /// Reflect Pad of [1, C, H, W] on H and W only; nil for anything else.
    static func fastPad(_ x: Tensor, pads: [Int], reflect: Bool, team: ComputeTeam?) -> Tensor? {
        guard reflect, x.shape.count == 4, pads.count == 8, pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0 else { return nil }
        let c = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        let t = pads[2], l = pads[3], b = pads[6], r = pads[7]
        guard t < h, b < h, l < w, r < w else { return nil }
        let oh = h + t + b, ow = w + l + r
        var out = team?.array(c * oh * ow) ?? [Float](repeating: 0, count: c * oh * ow)
        x.data.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { d in
            let sp = s.baseAddress!, dp = d.baseAddress!
            parallelChunks(c, team: team?.team, work: c * oh * ow * 2) { _, range in for ch in range {
                let src = sp + ch * h * w, dst = dp + ch * oh * ow
                for oy in 0..<oh {
                    var y = oy - t
                    if y < 0 { y = -y } else if y >= h { y = 2 * (h - 1) - y }
                    let srow = src + y * w, drow = dst + oy * ow
                    (drow + l).update(from: srow, count: w)
                    for i in 0..<l { drow[l - 1 - i] = srow[i + 1] }
                    for i in 0..<r { drow[l + w + i] = srow[w - 2 - i] }
                }
            }}
        }}
        return try? Tensor(shape: [x.shape[0], x.shape[1], oh, ow], data: out)
    }

    /// Nearest Resize of [N, C, H, W] by [1, 1, f, f]; nil for other factors.
    static func fastResize(_ x: Tensor, factors: [Int], team: ComputeTeam?) -> Tensor? {
        guard x.shape.count == 4, factors.count == 4, factors[0] == 1, factors[1] == 1, factors[2] == factors[3] else { return nil }
        let f = factors[2], c = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3], ow = w * f
        var out = team?.array(c * h * f * ow) ?? [Float](repeating: 0, count: c * h * f * ow)
        x.data.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { d in
            let sp = s.baseAddress!, dp = d.baseAddress!
            parallelChunks(c * h, team: team?.team, work: c * h * f * ow * 2) { _, range in
                for row in range {
                    let srow = sp + row * w, d0 = dp + row * f * ow
                    for xx in 0..<w { for i in 0..<f { d0[xx * f + i] = srow[xx] } }
                    for j in 1..<max(f, 2) where j < f { (d0 + j * ow).update(from: d0, count: ow) }
                }
            }
        }}
        return try? Tensor(shape: [x.shape[0], x.shape[1], h * f, ow], data: out)
    }

    /// GlobalAveragePool with the general path's Double sums, eight lanes at a time.
    static func fastGlobalAverage(_ x: Tensor) -> Tensor? {
        guard x.shape.count == 4 else { return nil }
        let nc = x.shape[0] * x.shape[1], hw = x.shape[2] * x.shape[3]
        var data = [Float](repeating: 0, count: nc)
        x.data.withUnsafeBufferPointer { b in
            for c in 0..<nc {
                let p = b.baseAddress! + c * hw
                var acc = SIMD8<Double>(), i = 0
                while i + 8 <= hw {
                    let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
                    acc += SIMD8<Double>(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]),
                                         Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7]))
                    i += 8
                }
                var s = acc.sum()
                while i < hw { s += Double(p[i]); i += 1 }
                data[c] = Float(s / Double(max(hw, 1)))
            }
        }
        return try? Tensor(shape: [x.shape[0], x.shape[1], 1, 1], data: data)
    }
}
