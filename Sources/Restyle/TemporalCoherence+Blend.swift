import Dispatch
import Flow

extension TemporalCoherence {
    /// The blend of one frame in a single pass: warps the previous output (three planes) and its
    /// carry age along `flow` with shared bilinear taps, and mixes them into the stylised frame:
    /// a = min(coherence · mask, maxCarry / (age + 1)), out = s + a·(W(prev) − s), age' = a·(age + 1).
    /// Where `moving` (0…1, `motionWeight`) is above 0 the colours are warped with Catmull-Rom taps instead,
    /// in that proportion: each bilinear step along a moving subject's flow blurs what is carried (bikes'
    /// cyclist kept 0.79–0.84 of the per-frame look's gradient energy with bilinear taps everywhere,
    /// 0.89–0.96 with cubic ones). Still parts keep bilinear taps: there the carry follows sub-pixel flow
    /// noise, which a sharper tap turns into visible error (webcam watercolor at 960×540: 0.603 → 0.685 ×
    /// per-frame with cubic taps everywhere, independent meter).
    /// All planes and the flow have the working size.
    static func blend(stylised s: [Plane], previous prev: [Plane], age: Plane, flow: FlowField, mask: Plane,
                      coherence c: Float, maxCarry cap: Float, moving: Plane? = nil) -> (out: [Plane], age: Plane) {
        let w = age.width, h = age.height
        // Every sample is written below.
        var o0 = Plane(uninitializedWidth: w, height: h), o1 = Plane(uninitializedWidth: w, height: h)
        var o2 = Plane(uninitializedWidth: w, height: h), na = Plane(uninitializedWidth: w, height: h)
        let sharp = moving ?? Plane(width: w, height: h)
        withPlanePointers(s + prev + [age, mask, Plane(width: w, height: h, data: flow.u), Plane(width: w, height: h, data: flow.v),
                                      sharp]) { p in
            let s0 = p[0], s1 = p[1], s2 = p[2], p0 = p[3], p1 = p[4], p2 = p[5], ap = p[6], mp = p[7], up = p[8], vp = p[9]
            let wp = p[10]
            o0.data.withUnsafeMutableBufferPointer { b0 in o1.data.withUnsafeMutableBufferPointer { b1 in
            o2.data.withUnsafeMutableBufferPointer { b2 in na.data.withUnsafeMutableBufferPointer { bn in
                let q0 = b0.baseAddress!, q1 = b1.baseAddress!, q2 = b2.baseAddress!, qn = bn.baseAddress!
                forEachChunk(h, minChunk: 8) { rows in
                    for y in rows {
                        let fy = Float(y)
                        for x in 0..<w {
                            let i = y &* w &+ x
                            let tap = BilinearTap(x: Float(x) + up[i], y: fy + vp[i], width: w, height: h)
                            let carried = tap.sample(ap) + 1
                            let a = min(c * min(max(mp[i], 0), 1), cap / carried)
                            qn[i] = a * carried
                            let r = s0[i], g = s1[i], b = s2[i]
                            var c0 = tap.sample(p0), c1 = tap.sample(p1), c2 = tap.sample(p2)
                            let k = wp[i]
                            if k > 0 && a > 0 {
                                let cubic = CubicTap(x: Float(x) + up[i], y: fy + vp[i], width: w, height: h)
                                c0 += k * (cubic.sample(p0) - c0)
                                c1 += k * (cubic.sample(p1) - c1)
                                c2 += k * (cubic.sample(p2) - c2)
                            }
                            q0[i] = r + a * (c0 - r)
                            q1[i] = g + a * (c1 - g)
                            q2[i] = b + a * (c2 - b)
                        }
                    }
                }
            }}}}
        }
        return ([o0, o1, o2], na)
    }
}

extension TemporalCoherence {
    /// Replaces `fraction` of the blended planes' fine detail (above a box mean of `radius`) by the
    /// stylised planes', scaled per pixel by `weight` (`motionWeight`): out + β·w·(d − box(d)) with
    /// d = s − out, per channel.
    static func restoringDetail(_ out: [Plane], from s: [Plane], fraction beta: Float, radius: Int, weight: Plane) -> [Plane] {
        guard beta > 0, radius > 0 else { return out }
        return zip(out, s).map { o, st in
            var d = Plane(uninitializedWidth: o.width, height: o.height)
            for i in 0..<o.count { d.data[i] = st.data[i] - o.data[i] }
            let b = d.boxFiltered(radius: radius)
            var r = o
            for i in 0..<o.count { r.data[i] += beta * weight.data[i] * (d.data[i] - b.data[i]) }
            return r
        }
    }

    /// 0…1 per pixel: how far it moves against the frame's median flow (the camera), ramping from
    /// `still` to `moving` pixels of the original frame. Only moving subjects smear under the carry, and
    /// only there is the current frame's detail put back: on still parts the fresh detail would bring
    /// back the per-frame look's flicker.
    static func motionWeight(_ flow: FlowField, pixelScale: Float, still: Float, moving: Float) -> Plane {
        let (mu, mv) = flow.medianDisplacement
        var w = Plane(width: flow.width, height: flow.height)
        for i in 0..<w.count {
            let m = ((flow.u[i] - mu) * (flow.u[i] - mu) + (flow.v[i] - mv) * (flow.v[i] - mv)).squareRoot() * pixelScale
            let t = min(1, max(0, (m - still) / (moving - still)))
            w.data[i] = smoothstep(t)
        }
        return w
    }

    /// Fraction of valid (non-occluded) pixels, and the mean absolute luma residual |L − W(L_prev)|
    /// over them (1 when none is valid), in parallel bands.
    static func validFractionAndResidual(mask: Plane, luma: Plane, warped: Plane) -> (valid: Float, residual: Float) {
        let n = mask.count
        if n == 0 { return (0, 1) }
        let bands = 8
        var partial = [Double](repeating: 0, count: 2 * bands)
        withPointers3(mask, luma, warped) { m, l, w in
            partial.withUnsafeMutableBufferPointer { pp in
                let out = pp.baseAddress!
                forEachChunk(bands, minChunk: 1) { range in
                    for band in range {
                        var res: Double = 0, cnt: Double = 0
                        for i in (n * band / bands)..<(n * (band + 1) / bands) where m[i] > 0 {
                            res += Double(abs(l[i] - w[i])); cnt += 1
                        }
                        out[2 * band] = res; out[2 * band + 1] = cnt
                    }
                }
            }
        }
        var res: Double = 0, cnt: Double = 0
        for band in 0..<bands { res += partial[2 * band]; cnt += partial[2 * band + 1] }
        return (Float(cnt / Double(n)), cnt > 0 ? Float(res / cnt) : 1)
    }

    /// Largest sample of a plane (0 for an empty one or one with no positive sample).
    static func maximum(_ p: Plane) -> Float {
        p.data.withUnsafeBufferPointer { b in
            var m = SIMD8<Float>.zero, i = 0
            let raw = UnsafeRawPointer(b.baseAddress!)
            while i + 8 <= b.count { m = pointwiseMax(m, raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)); i += 8 }
            var r = m.max()
            while i < b.count { r = max(r, b[i]); i += 1 }
            return r
        }
    }
}

/// Lends three planes' base pointers.
func withPointers3<R>(_ a: Plane, _ b: Plane, _ c: Plane,
                      _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> R) -> R {
    a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in c.data.withUnsafeBufferPointer { pc in
        body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
    }}}
}

/// Lends the base pointers of several planes at once (read-only).
func withPlanePointers<R>(_ planes: [Plane], _ body: ([UnsafePointer<Float>]) -> R) -> R {
    var ptrs: [UnsafePointer<Float>] = []
    ptrs.reserveCapacity(planes.count)
    func go(_ i: Int) -> R {
        if i == planes.count { return body(ptrs) }
        return planes[i].data.withUnsafeBufferPointer { b in ptrs.append(b.baseAddress!); return go(i + 1) }
    }
    return go(0)
}

/// Runs three independent jobs on the thread pool and returns their results.
func concurrently<A, B, C>(_ a: () -> A, _ b: () -> B, _ c: () -> C) -> (A, B, C) {
    let slots = Slots3<A, B, C>()
    withoutActuallyEscaping(a) { a in withoutActuallyEscaping(b) { b in withoutActuallyEscaping(c) { c in
        nonisolated(unsafe) let jobs = (a, b, c)
        DispatchQueue.concurrentPerform(iterations: 3) { i in
            switch i {
            case 0: slots.a = jobs.0()
            case 1: slots.b = jobs.1()
            default: slots.c = jobs.2()
            }
        }
    }}}
    return (slots.a!, slots.b!, slots.c!)
}

/// Result slots of `concurrently`. Invariant: each slot is written by exactly one iteration of
/// `concurrentPerform` and read only after it returned, so no slot is ever accessed concurrently.
private final class Slots3<A, B, C>: @unchecked Sendable {
    var a: A?
    var b: B?
    var c: C?
}

/// Catmull-Rom taps (4×4, clamped to the plane) for one position: an interpolating cubic that keeps
/// detail a bilinear tap blurs, with no gain above 1 at any frequency (so a carry of it cannot ring up).
struct CubicTap {
    let xs: (Int, Int, Int, Int), rows: (Int, Int, Int, Int)
    let wx: SIMD4<Float>, wy: SIMD4<Float>

    @inline(__always)
    init(x: Float, y: Float, width w: Int, height h: Int) {
        let xc = min(max(x, 0), Float(w - 1)), yc = min(max(y, 0), Float(h - 1))
        let x0 = Int(xc), y0 = Int(yc)
        @inline(__always) func weights(_ t: Float) -> SIMD4<Float> {
            let t2 = t * t, t3 = t2 * t
            return SIMD4(-t3 + 2 * t2 - t, 3 * t3 - 5 * t2 + 2, -3 * t3 + 4 * t2 + t, t3 - t2) * 0.5
        }
        wx = weights(xc - Float(x0)); wy = weights(yc - Float(y0))
        @inline(__always) func clamp(_ v: Int, _ n: Int) -> Int { min(max(v, 0), n - 1) }
        xs = (clamp(x0 - 1, w), x0, clamp(x0 + 1, w), clamp(x0 + 2, w))
        rows = (clamp(y0 - 1, h) * w, y0 * w, clamp(y0 + 1, h) * w, clamp(y0 + 2, h) * w)
    }

    /// The cubic sample of a plane of the size the taps were made for.
    @inline(__always)
    func sample(_ p: UnsafePointer<Float>) -> Float {
        @inline(__always) func row(_ r: Int) -> Float {
            wx[0] * p[r + xs.0] + wx[1] * p[r + xs.1] + wx[2] * p[r + xs.2] + wx[3] * p[r + xs.3]
        }
        return wy[0] * row(rows.0) + wy[1] * row(rows.1) + wy[2] * row(rows.2) + wy[3] * row(rows.3)
    }
}
