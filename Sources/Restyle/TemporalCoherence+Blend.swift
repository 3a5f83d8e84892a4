import Flow

extension TemporalCoherence {
    /// The blend of one frame in a single pass: warps the previous output (three planes) and its
    /// carry age along `flow` with shared bilinear taps, and mixes them into the stylised frame:
    /// a = min(coherence · mask, maxCarry / (age + 1)), out = s + a·(W(prev) − s), age' = a·(age + 1).
    /// All planes and the flow have the working size.
    static func blend(stylised s: [Plane], previous prev: [Plane], age: Plane, flow: FlowField, mask: Plane,
                      coherence c: Float, maxCarry cap: Float) -> (out: [Plane], age: Plane) {
        let w = age.width, h = age.height
        var o0 = Plane(width: w, height: h), o1 = o0, o2 = o0, na = o0
        withPlanePointers(s + prev + [age, mask, Plane(width: w, height: h, data: flow.u), Plane(width: w, height: h, data: flow.v)]) { p in
            let s0 = p[0], s1 = p[1], s2 = p[2], p0 = p[3], p1 = p[4], p2 = p[5], ap = p[6], mp = p[7], up = p[8], vp = p[9]
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
                            q0[i] = r + a * (tap.sample(p0) - r)
                            q1[i] = g + a * (tap.sample(p1) - g)
                            q2[i] = b + a * (tap.sample(p2) - b)
                        }
                    }
                }
            }}}}
        }
        return ([o0, o1, o2], na)
    }
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
