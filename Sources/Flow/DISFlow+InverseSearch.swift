import Imaging

extension DISFlow {
    /// Aligns every patch of `i0` to `i1`; returns one (u, v) per patch, row-major over the grid.
    func inverseSearch(_ i0: Plane, _ i1: Plane, grid: PatchGrid, initial: FlowField) -> [SIMD2<Float>] {
        let w = i0.width, h = i0.height, ps = grid.size, n = ps * ps
        let iters = max(0, parameters.gradientDescentIterations)
        let (gxPlane, gyPlane) = i0.gradients()
        var result = [SIMD2<Float>](repeating: .zero, count: grid.count)
        let gxs = grid.xs, gys = grid.ys, nx = gxs.count
        i0.data.withUnsafeBufferPointer { a in i1.data.withUnsafeBufferPointer { b in
        gxPlane.data.withUnsafeBufferPointer { gxb in gyPlane.data.withUnsafeBufferPointer { gyb in
        initial.u.withUnsafeBufferPointer { iu in initial.v.withUnsafeBufferPointer { iv in
        result.withUnsafeMutableBufferPointer { res in
            let p0 = a.baseAddress!, p1 = b.baseAddress!, pgx = gxb.baseAddress!, pgy = gyb.baseAddress!
            let out = res.baseAddress!
            parallelChunks(gys.count, minChunk: 2) { rows in
                // Per-task scratch: template and normalised gradients of one patch.
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 4 * n)
                defer { scratch.deallocate() }
                let tpl = scratch, gx = scratch + n, gy = scratch + 2 * n, warped = scratch + 3 * n
                for r in rows {
                    let py = gys[r]
                    for c in 0..<nx {
                        let px = gxs[c]
                        let centre = (py + ps / 2) * w + (px + ps / 2)
                        let u0 = iu[centre], v0 = iv[centre]
                        // Template and gradients, mean-normalised.
                        let inv = 1 / Float(n)
                        var h11: Float = 0, h12: Float = 0, h22: Float = 0
                        if ps == 8 {
                            // One SIMD row per patch row.
                            var st = F8.zero, sx = F8.zero, sy = F8.zero
                            for j in 0..<8 {
                                let row = (py + j) * w + px
                                let t = load8(p0, row), a = load8(pgx, row), b = load8(pgy, row)
                                store8(tpl, 8 * j, t); store8(gx, 8 * j, a); store8(gy, 8 * j, b)
                                st += t; sx += a; sy += b
                            }
                            let mt = st.sum() * inv, mgx = sx.sum() * inv, mgy = sy.sum() * inv
                            var s11 = F8.zero, s12 = F8.zero, s22 = F8.zero
                            for j in 0..<8 {
                                let a = load8(gx, 8 * j) - mgx, b = load8(gy, 8 * j) - mgy
                                store8(tpl, 8 * j, load8(tpl, 8 * j) - mt); store8(gx, 8 * j, a); store8(gy, 8 * j, b)
                                s11 += a * a; s12 += a * b; s22 += b * b
                            }
                            h11 = s11.sum(); h12 = s12.sum(); h22 = s22.sum()
                        } else {
                            var mt: Float = 0, mgx: Float = 0, mgy: Float = 0
                            for j in 0..<ps {
                                let row = (py + j) * w + px
                                for i in 0..<ps {
                                    let k = j * ps + i
                                    tpl[k] = p0[row + i]; gx[k] = pgx[row + i]; gy[k] = pgy[row + i]
                                    mt += tpl[k]; mgx += gx[k]; mgy += gy[k]
                                }
                            }
                            mt *= inv; mgx *= inv; mgy *= inv
                            for k in 0..<n {
                                tpl[k] -= mt; gx[k] -= mgx; gy[k] -= mgy
                                h11 += gx[k] * gx[k]; h12 += gx[k] * gy[k]; h22 += gy[k] * gy[k]
                            }
                        }
                        let det = h11 * h22 - h12 * h12
                        var u = u0, v = v0
                        if det > 1e-3 * Float(n) && iters > 0 {
                            let idet = 1 / det
                            for _ in 0..<iters {
                                var b1: Float = 0, b2: Float = 0
                                if ps == 8 {
                                    (b1, b2) = patchResidual8(p1, w, h, Float(px) + u, Float(py) + v, tpl, gx, gy, warped)
                                } else {
                                    samplePatch(p1, w, h, Float(px) + u, Float(py) + v, ps, warped)
                                    var mw: Float = 0
                                    for k in 0..<n { mw += warped[k] }
                                    mw *= inv
                                    for k in 0..<n {
                                        let r = warped[k] - mw - tpl[k]
                                        b1 += gx[k] * r; b2 += gy[k] * r
                                    }
                                }
                                let du = (h22 * b1 - h12 * b2) * idet
                                let dv = (h11 * b2 - h12 * b1) * idet
                                u -= du; v -= dv
                                if du * du + dv * dv < 1e-4 { break }
                            }
                            // Patches that ran away (or diverged) keep their initial flow.
                            let d2 = (u - u0) * (u - u0) + (v - v0) * (v - v0)
                            if !(d2 <= Float(ps * ps)) { u = u0; v = v0 }
                        }
                        out[r * nx + c] = SIMD2(u, v)
                    }
                }
            }
        }}}}}}}
        return result
    }
}

/// Samples the ps×ps patch of `p` whose top-left corner is at (x, y), bilinear.
/// The fractional offset is shared by the whole patch, so the interior path
/// needs four reads and no clamping per pixel.
@inline(__always)
func samplePatch(_ p: UnsafePointer<Float>, _ w: Int, _ h: Int, _ x: Float, _ y: Float, _ ps: Int,
                 _ out: UnsafeMutablePointer<Float>) {
    let fx = x.rounded(.down), fy = y.rounded(.down)
    let x0 = Int(fx), y0 = Int(fy)
    if x0 >= 0 && y0 >= 0 && x0 + ps < w && y0 + ps < h {
        let ax = x - fx, ay = y - fy
        let w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay
        for j in 0..<ps {
            let r0 = p + (y0 + j) * w + x0, r1 = r0 + w
            let o = out + j * ps
            for i in 0..<ps { o[i] = w00 * r0[i] + w01 * r0[i + 1] + w10 * r1[i] + w11 * r1[i + 1] }
        }
    } else {
        for j in 0..<ps {
            for i in 0..<ps { out[j * ps + i] = bilinear(p, w, h, x + Float(i), y + Float(j)) }
        }
    }
}

/// The 8×8 fast path of one Gauss–Newton step: samples the patch at (x, y) with SIMD rows and
/// returns Σ g·r for the mean-normalised residual r (template and gradients already normalised).
@inline(__always)
func patchResidual8(_ p: UnsafePointer<Float>, _ w: Int, _ h: Int, _ x: Float, _ y: Float,
                    _ tpl: UnsafeMutablePointer<Float>, _ gx: UnsafeMutablePointer<Float>,
                    _ gy: UnsafeMutablePointer<Float>, _ scratch: UnsafeMutablePointer<Float>) -> (Float, Float) {
    let fx = x.rounded(.down), fy = y.rounded(.down)
    let x0 = Int(fx), y0 = Int(fy)
    var sum = SIMD8<Float>.zero
    if x0 >= 0 && y0 >= 0 && x0 + 9 <= w && y0 + 9 <= h {
        let ax = x - fx, ay = y - fy
        let raw = UnsafeRawPointer(p)
        @inline(__always) func row(_ j: Int) -> SIMD8<Float> {
            let base = raw + ((y0 + j) * w + x0) * 4
            let a = base.loadUnaligned(as: SIMD8<Float>.self)
            let b = (base + 4).loadUnaligned(as: SIMD8<Float>.self)
            return a + (b - a) * ax
        }
        var prev = row(0)
        let out = UnsafeMutableRawPointer(scratch)
        for j in 0..<8 {
            let next = row(j + 1)
            let v = prev + (next - prev) * ay
            out.storeBytes(of: v, toByteOffset: j * 32, as: SIMD8<Float>.self)
            sum += v
            prev = next
        }
    } else {
        samplePatch(p, w, h, x, y, 8, scratch)
        let raw = UnsafeRawPointer(scratch)
        for j in 0..<8 { sum += raw.loadUnaligned(fromByteOffset: j * 32, as: SIMD8<Float>.self) }
    }
    let mean = sum.sum() / 64
    var b1 = SIMD8<Float>.zero, b2 = SIMD8<Float>.zero
    let rs = UnsafeRawPointer(scratch), rt = UnsafeRawPointer(tpl), rx = UnsafeRawPointer(gx), ry = UnsafeRawPointer(gy)
    for j in 0..<8 {
        let o = j * 32
        let r = rs.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) - mean - rt.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
        b1 += rx.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * r
        b2 += ry.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * r
    }
    return (b1.sum(), b2.sum())
}
