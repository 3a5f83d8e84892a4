extension DISFlow {
    /// Dense flow from patch flows: each pixel averages the flows of the patches
    /// covering it, weighted by 1 / max(1, |I1(x + u_k) − I0(x)|) (intensities on 0…255).
    func densify(_ i0: Plane, _ i1: Plane, grid: PatchGrid, patches: [SIMD2<Float>], fallback: FlowField) -> FlowField {
        let w = i0.width, h = i0.height, nx = grid.xs.count
        var out = FlowField(width: w, height: h)
        i0.data.withUnsafeBufferPointer { a in i1.data.withUnsafeBufferPointer { b in
        patches.withUnsafeBufferPointer { pf in
        fallback.u.withUnsafeBufferPointer { fu in fallback.v.withUnsafeBufferPointer { fv in
        out.u.withUnsafeMutableBufferPointer { ou in out.v.withUnsafeMutableBufferPointer { ov in
            let p0 = a.baseAddress!, p1 = b.baseAddress!
            parallelChunks(h, minChunk: 8) { rows in
                for y in rows {
                    let ry = grid.coverY[y]
                    for x in 0..<w {
                        let rx = grid.coverX[x]
                        let i = y * w + x
                        let ref = p0[i]
                        var su: Float = 0, sv: Float = 0, sw: Float = 0
                        for r in ry {
                            for c in rx {
                                let f = pf[r * nx + c]
                                let d = abs(bilinear(p1, w, h, Float(x) + f.x, Float(y) + f.y) - ref)
                                let lam = 1 / max(1, d)
                                su += lam * f.x; sv += lam * f.y; sw += lam
                            }
                        }
                        if sw > 0 { ou[i] = su / sw; ov[i] = sv / sw } else { ou[i] = fu[i]; ov[i] = fv[i] }
                    }
                }
            }
        }}}}}}}
        return out
    }
}
