extension DISFlow {
    /// Dense flow from patch flows: each pixel averages the flows of the patches
    /// covering it, weighted by 1 / max(1, |I1(x + u_k) − I0(x)|) (intensities on 0…255).
    ///
    /// Works row by row and patch by patch: a patch's flow is constant, so one row of
    /// its 8 pixels is sampled with two SIMD loads per source row.
    func densify(_ i0: Plane, _ i1: Plane, grid: PatchGrid, patches: [SIMD2<Float>], fallback: FlowField) -> FlowField {
        let w = i0.width, h = i0.height, nx = grid.xs.count, ps = grid.size
        var out = FlowField(width: w, height: h)
        let xs = grid.xs, ys = grid.ys
        i0.data.withUnsafeBufferPointer { a in i1.data.withUnsafeBufferPointer { b in
        patches.withUnsafeBufferPointer { pf in xs.withUnsafeBufferPointer { pxs in ys.withUnsafeBufferPointer { pys in
        fallback.u.withUnsafeBufferPointer { fu in fallback.v.withUnsafeBufferPointer { fv in
        out.u.withUnsafeMutableBufferPointer { ou in out.v.withUnsafeMutableBufferPointer { ov in
            let p0 = a.baseAddress!, p1 = b.baseAddress!
            let raw1 = UnsafeRawPointer(p1)
            parallelChunks(h, minChunk: 8) { rows in
                let acc = UnsafeMutablePointer<Float>.allocate(capacity: 3 * w + 8)
                defer { acc.deallocate() }
                let su = acc, sv = acc + w, sw = acc + 2 * w
                for y in rows {
                    acc.update(repeating: 0, count: 3 * w)
                    let row0 = p0 + y * w
                    // Patch rows covering y: origins in (y - ps, y].
                    for r in 0..<pys.count where pys[r] <= y && pys[r] + ps > y {
                        for c in 0..<nx {
                            let f = pf[r * nx + c], px = pxs[c]
                            let sx = Float(px) + f.x, sy = Float(y) + f.y
                            let fx = sx.rounded(.down), fy = sy.rounded(.down)
                            let x0 = Int(fx), y0 = Int(fy)
                            if ps == 8 && x0 >= 0 && y0 >= 0 && x0 + 9 <= w && y0 + 1 < h {
                                let ax = sx - fx, ay = sy - fy
                                let r0 = raw1 + (y0 * w + x0) * 4, r1 = r0 + w * 4
                                let a0 = r0.loadUnaligned(as: SIMD8<Float>.self), a1 = (r0 + 4).loadUnaligned(as: SIMD8<Float>.self)
                                let b0 = r1.loadUnaligned(as: SIMD8<Float>.self), b1 = (r1 + 4).loadUnaligned(as: SIMD8<Float>.self)
                                let top = a0 + (a1 - a0) * ax, bot = b0 + (b1 - b0) * ax
                                let warped = top + (bot - top) * ay
                                let ref = UnsafeRawPointer(row0 + px).loadUnaligned(as: SIMD8<Float>.self)
                                var d = warped - ref
                                d.replace(with: -d, where: d .< 0)
                                let lam = 1 / d.replacing(with: 1, where: d .< 1)
                                let pu = UnsafeMutableRawPointer(su + px), pv = UnsafeMutableRawPointer(sv + px)
                                let pw = UnsafeMutableRawPointer(sw + px)
                                pu.storeBytes(of: pu.loadUnaligned(as: SIMD8<Float>.self) + lam * f.x, as: SIMD8<Float>.self)
                                pv.storeBytes(of: pv.loadUnaligned(as: SIMD8<Float>.self) + lam * f.y, as: SIMD8<Float>.self)
                                pw.storeBytes(of: pw.loadUnaligned(as: SIMD8<Float>.self) + lam, as: SIMD8<Float>.self)
                            } else {
                                for i in 0..<ps {
                                    let x = px + i
                                    let d = abs(bilinear(p1, w, h, Float(x) + f.x, sy) - row0[x])
                                    let lam = 1 / max(1, d)
                                    su[x] += lam * f.x; sv[x] += lam * f.y; sw[x] += lam
                                }
                            }
                        }
                    }
                    for x in 0..<w {
                        let i = y * w + x
                        if sw[x] > 0 { ou[i] = su[x] / sw[x]; ov[i] = sv[x] / sw[x] } else { ou[i] = fu[i]; ov[i] = fv[i] }
                    }
                }
            }
        }}}}}}}}}
        return out
    }
}
