/// Occlusion masks from forward–backward consistency and motion boundaries
/// (Sundaram et al. 2010; the thresholds of Ruder et al. 2016 and Lai et al. 2018).
public enum Occlusion {
    /// Mask of pixels whose flow `a` can be trusted: 1 where valid, 0 where occluded.
    ///
    /// `a` maps frame A to frame B and `b` maps B back to A. A pixel x of A is occluded when
    /// |b(x + a(x)) + a(x)|² > 0.01 (|a(x)|² + |b(x + a(x))|²) + 0.5, or when it lies on a
    /// motion boundary: |∇a_u|² + |∇a_v|² > 0.01 |a(x)|² + `boundaryFloor` (Ruder et al.'s 0.002 by
    /// default; restyle's carry raises it so deforming faces are not taken for object edges).
    /// The constants are in full-resolution pixels; `pixelScale` says how many full-resolution
    /// pixels one pixel of these fields spans (4 for flow computed at ¼ size), and the
    /// thresholds are converted so the test means the same thing at any working size.
    public static func validMask(flow a: FlowField, reverse b: FlowField, pixelScale: Float = 1,
                                 motionBoundaries: Bool = true, boundaryFloor: Float = 0.002) -> Plane {
        precondition(a.width == b.width && a.height == b.height, "flows must have equal sizes")
        let w = a.width, h = a.height
        var mask = Plane(width: w, height: h)
        if w == 0 || h == 0 { return mask }
        let s2 = pixelScale * pixelScale
        let fbConst = 0.5 / s2, mbScale = 0.01 * s2
        let (ux, uy) = a.uPlane.gradients(), (vx, vy) = a.vPlane.gradients()
        a.u.withUnsafeBufferPointer { au in a.v.withUnsafeBufferPointer { av in
        b.u.withUnsafeBufferPointer { bu in b.v.withUnsafeBufferPointer { bv in
        ux.data.withUnsafeBufferPointer { pux in uy.data.withUnsafeBufferPointer { puy in
        vx.data.withUnsafeBufferPointer { pvx in vy.data.withUnsafeBufferPointer { pvy in
        mask.data.withUnsafeMutableBufferPointer { m in
            let pbu = bu.baseAddress!, pbv = bv.baseAddress!
            parallelChunks(h, minChunk: 16) { rows in
                for y in rows {
                    for x in 0..<w {
                        let i = y * w + x
                        let fu = au[i], fv = av[i]
                        let tx = Float(x) + fu, ty = Float(y) + fv
                        let tap = BilinearTap(x: tx, y: ty, width: w, height: h)
                        let ru = tap.sample(pbu), rv = tap.sample(pbv)
                        let su = fu + ru, sv = fv + rv
                        let a2 = fu * fu + fv * fv
                        var bad = su * su + sv * sv > 0.01 * (a2 + ru * ru + rv * rv) + fbConst
                        if motionBoundaries && !bad {
                            let g = pux[i] * pux[i] + puy[i] * puy[i] + pvx[i] * pvx[i] + pvy[i] * pvy[i]
                            bad = g > mbScale * a2 + boundaryFloor
                        }
                        m[i] = bad ? 0 : 1
                    }
                }
            }
        }}}}}}}}}
        return mask
    }
}
