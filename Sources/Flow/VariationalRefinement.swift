import Imaging

/// Variational refinement of a dense flow (the last step of each DIS level).
///
/// Minimises Σ δ Ψ(β·(I_z + I_x du + I_y dv)²) + γ Ψ(gradient constancy) + α Ψ(|∇(u+du)|² + |∇(v+dv)|²)
/// with Ψ(s²) = √(s² + ε²), lagged robust weights (one linearisation per fixed-point
/// iteration) and red–black SOR sweeps. The data terms are normalised by the local
/// gradient magnitude (β = 1 / (|∇I|² + ζ²)) so the weights hold across contrasts.
/// Intensities are expected on a 0…255 scale.
public struct VariationalRefinement: Sendable {
    /// δ: brightness-constancy weight.
    public var delta: Float
    /// γ: gradient-constancy weight.
    public var gamma: Float
    /// α: smoothness weight.
    public var alpha: Float
    /// Fixed-point (relinearisation) iterations.
    public var fixedPointIterations = 2
    /// SOR sweeps per fixed-point iteration.
    public var sorIterations = 4
    /// SOR relaxation factor.
    public var omega: Float = 1.6

    /// Creates a refinement with the given energy weights.
    public init(delta: Float = 5, gamma: Float = 10, alpha: Float = 20) {
        self.delta = delta; self.gamma = gamma; self.alpha = alpha
    }

    /// Refines `flow` (from `i0` to `i1`, both on 0…255) and returns the result.
    public func refine(_ flow: FlowField, i0: Plane, i1: Plane) -> FlowField {
        let w = i0.width, h = i0.height, n = w * h
        if w < 3 || h < 3 { return flow }
        var u = flow.uPlane, v = flow.vPlane
        let (i0x, i0y) = i0.gradients()
        // Scratch. du/dv are padded by w+1 zeros on both sides and the edge weights by one row
        // (wd) or one sample (wr) in front, so the SOR sweep reads neighbours without branches:
        // a missing neighbour always comes with weight 0 (wr is 0 in the last column, wd in the last row).
        let total = 10 * n + 6 * (w + 1)
        let buf = UnsafeMutablePointer<Float>.allocate(capacity: total)
        defer { buf.deallocate() }
        buf.initialize(repeating: 0, count: total)
        let inv1 = buf, a12 = buf + n, inv2 = buf + 2 * n, b1 = buf + 3 * n, b2 = buf + 4 * n, ws = buf + 5 * n
        let wr = buf + 6 * n + 1
        let wd = buf + 7 * n + 1 + w
        let du = buf + 8 * n + 1 + w + (w + 1)
        let dv = du + n + 2 * (w + 1)
        let delta = self.delta, gamma = self.gamma, alpha = self.alpha
        for _ in 0..<fixedPointIterations {
            let i1w = Warp.backward(i1, flow: FlowField(u: u, v: v))
            let (i1x, i1y) = i1w.gradients()
            // Gradients of the two frames, averaged.
            let ix = averaged(i0x, i1x), iy = averaged(i0y, i1y)
            let (ixx, ixy) = ix.gradients()
            let iyy = iy.gradients().dy
            let (ux, uy) = u.gradients(), (vx, vy) = v.gradients()
            withPointers([i0.data, i1w.data, ix.data, iy.data, i1x.data, i1y.data, i0x.data, i0y.data,
                          ixx.data, ixy.data, iyy.data, ux.data, uy.data, vx.data, vy.data, u.data, v.data]) { p in
                let I0 = p[0], I1w = p[1], IX = p[2], IY = p[3], I1X = p[4], I1Y = p[5], I0X = p[6], I0Y = p[7]
                let IXX = p[8], IXY = p[9], IYY = p[10], UX = p[11], UY = p[12], VX = p[13], VY = p[14]
                let U = p[15], V = p[16]
                let eps2: Float = 1e-6, zeta2: Float = 0.01
                let wMax = Float(w - 1), hMax = Float(h - 1)
                let dh = delta * 0.5, gh = gamma * 0.5, ah = alpha * 0.5
                // Linearised data terms and the robust smoothness weight, 8 pixels at a time
                // (the same arithmetic as one pixel at a time; a row's last chunk overlaps the one before).
                @inline(__always) func setup8(_ x: Int, _ y: Int) {
                    let k = y * w + x
                    let tx = F8(repeating: Float(x)) + laneOffsets + load8(U, k), ty = Float(y) + load8(V, k)
                    let inside = (tx .>= 0) .& (ty .>= 0) .& (tx .<= wMax) .& (ty .<= hMax)
                    let gx = load8(IX, k), gy = load8(IY, k)
                    let iz = load8(I1w, k) - load8(I0, k)
                    let ixz = load8(I1X, k) - load8(I0X, k), iyz = load8(I1Y, k) - load8(I0Y, k)
                    let gxx = load8(IXX, k), gxy = load8(IXY, k), gyy = load8(IYY, k)
                    let beta = 1 / (gx * gx + gy * gy + zeta2)
                    let bx = 1 / (gxx * gxx + gxy * gxy + zeta2), by = 1 / (gxy * gxy + gyy * gyy + zeta2)
                    var pd = dh * beta / (beta * iz * iz + eps2).squareRoot()
                    var pg = gh / (bx * ixz * ixz + by * iyz * iyz + eps2).squareRoot()
                    pd.replace(with: 0, where: .!inside); pg.replace(with: 0, where: .!inside)
                    store8(inv1, k, pd * gx * gx + pg * (bx * gxx * gxx + by * gxy * gxy))
                    store8(a12, k, pd * gx * gy + pg * (bx * gxx * gxy + by * gxy * gyy))
                    store8(inv2, k, pd * gy * gy + pg * (bx * gxy * gxy + by * gyy * gyy))
                    store8(b1, k, -(pd * gx * iz + pg * (bx * gxx * ixz + by * gxy * iyz)))
                    store8(b2, k, -(pd * gy * iz + pg * (bx * gxy * ixz + by * gyy * iyz)))
                    let ux = load8(UX, k), uy = load8(UY, k), vx = load8(VX, k), vy = load8(VY, k)
                    let s2 = ux * ux + uy * uy + vx * vx + vy * vy
                    store8(ws, k, ah / (s2 + eps2).squareRoot())
                    store8(du, k, .zero); store8(dv, k, .zero)
                }
                @inline(__always) func setup1(_ x: Int, _ y: Int) {
                    let k = y * w + x
                    let tx = Float(x) + U[k], ty = Float(y) + V[k]
                    let inside = tx >= 0 && ty >= 0 && tx <= wMax && ty <= hMax
                    let gx = IX[k], gy = IY[k]
                    let iz = I1w[k] - I0[k]
                    let ixz = I1X[k] - I0X[k], iyz = I1Y[k] - I0Y[k]
                    let gxx = IXX[k], gxy = IXY[k], gyy = IYY[k]
                    let beta = 1 / (gx * gx + gy * gy + zeta2)
                    let bx = 1 / (gxx * gxx + gxy * gxy + zeta2), by = 1 / (gxy * gxy + gyy * gyy + zeta2)
                    var pd: Float = 0, pg: Float = 0
                    if inside {
                        pd = dh * beta / (beta * iz * iz + eps2).squareRoot()
                        pg = gh / (bx * ixz * ixz + by * iyz * iyz + eps2).squareRoot()
                    }
                    inv1[k] = pd * gx * gx + pg * (bx * gxx * gxx + by * gxy * gxy)
                    a12[k] = pd * gx * gy + pg * (bx * gxx * gxy + by * gxy * gyy)
                    inv2[k] = pd * gy * gy + pg * (bx * gxy * gxy + by * gyy * gyy)
                    b1[k] = -(pd * gx * iz + pg * (bx * gxx * ixz + by * gxy * iyz))
                    b2[k] = -(pd * gy * iz + pg * (bx * gxy * ixz + by * gyy * iyz))
                    let s2 = UX[k] * UX[k] + UY[k] * UY[k] + VX[k] * VX[k] + VY[k] * VY[k]
                    ws[k] = ah / (s2 + eps2).squareRoot()
                    du[k] = 0; dv[k] = 0
                }
                parallelChunks(h, minChunk: 16) { rows in
                    for y in rows {
                        if w < 8 { for x in 0..<w { setup1(x, y) }; continue }
                        var x = 0
                        while x + 8 <= w { setup8(x, y); x += 8 }
                        if x < w { setup8(w - 8, y) }
                    }
                }
                // Edge weights: mean of the endpoints' smoothness weights; zero across the border.
                parallelChunks(h, minChunk: 16) { rows in
                    for y in rows {
                        let row = y * w
                        var x = 0
                        while x + 8 <= w {
                            let k = row + x, c = load8(ws, k)
                            store8(wr, k, 0.5 * (c + load8(ws, k + 1)))
                            store8(wd, k, y + 1 < h ? 0.5 * (c + load8(ws, k + w)) : .zero)
                            x += 8
                        }
                        while x < w {
                            let k = row + x
                            wr[k] = 0.5 * (ws[k] + ws[k + 1])
                            wd[k] = y + 1 < h ? 0.5 * (ws[k] + ws[k + w]) : 0
                            x += 1
                        }
                        wr[row + w - 1] = 0
                    }
                }
                // Fold the constant part of the smoothness term into b, and invert the diagonal.
                // Interior rows take all four neighbours unconditionally: a missing left/right
                // neighbour has weight 0 (wr is 0 in the last column, wr[-1] is padding).
                @inline(__always) func fold1(_ x: Int, _ y: Int) {
                    let k = y * w + x
                    var sw: Float = 0, su: Float = 0, sv: Float = 0
                    if x + 1 < w { let c = wr[k]; sw += c; su += c * (U[k + 1] - U[k]); sv += c * (V[k + 1] - V[k]) }
                    if x > 0 { let c = wr[k - 1]; sw += c; su += c * (U[k - 1] - U[k]); sv += c * (V[k - 1] - V[k]) }
                    if y + 1 < h { let c = wd[k]; sw += c; su += c * (U[k + w] - U[k]); sv += c * (V[k + w] - V[k]) }
                    if y > 0 { let c = wd[k - w]; sw += c; su += c * (U[k - w] - U[k]); sv += c * (V[k - w] - V[k]) }
                    b1[k] += su; b2[k] += sv
                    inv1[k] = 1 / (inv1[k] + sw + 1e-9); inv2[k] = 1 / (inv2[k] + sw + 1e-9)
                }
                parallelChunks(h, minChunk: 16) { rows in
                    for y in rows {
                        var x = 0
                        if y > 0 && y + 1 < h {
                            while x + 8 <= w {
                                let k = y * w + x
                                let u0 = load8(U, k), v0 = load8(V, k)
                                var c = load8(wr, k)
                                var sw = c, su = c * (load8(U, k + 1) - u0), sv = c * (load8(V, k + 1) - v0)
                                c = load8(wr, k - 1)
                                sw += c; su += c * (load8(U, k - 1) - u0); sv += c * (load8(V, k - 1) - v0)
                                c = load8(wd, k)
                                sw += c; su += c * (load8(U, k + w) - u0); sv += c * (load8(V, k + w) - v0)
                                c = load8(wd, k - w)
                                sw += c; su += c * (load8(U, k - w) - u0); sv += c * (load8(V, k - w) - v0)
                                store8(b1, k, load8(b1, k) + su); store8(b2, k, load8(b2, k) + sv)
                                store8(inv1, k, 1 / (load8(inv1, k) + sw + 1e-9))
                                store8(inv2, k, 1 / (load8(inv2, k) + sw + 1e-9))
                                x += 8
                            }
                        }
                        while x < w { fold1(x, y); x += 1 }
                    }
                }
                let om = omega
                // Red–black SOR. A chunk of 8 pixels updates the lanes of the sweep's colour and
                // keeps the others: their neighbours all have the other colour, so this is the
                // same sweep as one pixel at a time, vectorised.
                @inline(__always) func sorRow(_ y: Int, _ colour: Int) {
                    let first = (y + colour) & 1
                    let mine: SIMDMask<SIMD8<Int32>> = first == 0 ? evenLanes : .!evenLanes
                    // Even-numbered chunks first, then odd ones: a chunk's ±1 neighbour loads overlap
                    // the adjacent chunks' stores, and loading right after such a store stalls
                    // (no store-to-load forwarding for a partial overlap).
                    let chunks = w / 8
                    for phase in 0..<2 {
                    var ci = phase
                    while ci < chunks {
                        let k = y * w + 8 * ci
                        let c0 = load8(wr, k), c1 = load8(wr, k - 1), c2 = load8(wd, k), c3 = load8(wd, k - w)
                        let u0 = load8(du, k), v0 = load8(dv, k), a = load8(a12, k)
                        let su = load8(b1, k) + c0 * load8(du, k + 1) + c1 * load8(du, k - 1)
                            + c2 * load8(du, k + w) + c3 * load8(du, k - w)
                        var u1 = u0 + om * ((su - a * v0) * load8(inv1, k) - u0)
                        u1.replace(with: u0, where: .!mine)
                        let sv = load8(b2, k) + c0 * load8(dv, k + 1) + c1 * load8(dv, k - 1)
                            + c2 * load8(dv, k + w) + c3 * load8(dv, k - w)
                        var v1 = v0 + om * ((sv - a * u1) * load8(inv2, k) - v0)
                        v1.replace(with: v0, where: .!mine)
                        store8(du, k, u1); store8(dv, k, v1)
                        ci += 2
                    }
                    }
                    var x = 8 * chunks
                    x += (x + first) & 1
                    while x < w {
                        let k = y * w + x
                        let c0 = wr[k], c1 = wr[k - 1], c2 = wd[k], c3 = wd[k - w]
                        let su = b1[k] + c0 * du[k + 1] + c1 * du[k - 1] + c2 * du[k + w] + c3 * du[k - w]
                        let nu = (su - a12[k] * dv[k]) * inv1[k]
                        du[k] += om * (nu - du[k])
                        let sv = b2[k] + c0 * dv[k + 1] + c1 * dv[k - 1] + c2 * dv[k + w] + c3 * dv[k - w]
                        let nv = (sv - a12[k] * du[k]) * inv2[k]
                        dv[k] += om * (nv - dv[k])
                        x += 2
                    }
                }
                // Both colours in one pass over memory (a wavefront): black row y − 1 only needs red
                // rows y − 2…y, so it is swept right after red row y. Rows are split into bands
                // swept in parallel; a band's first and last black rows need red rows of the
                // neighbouring bands, so they are swept after all bands. Same updates as a full red
                // sweep followed by a full black sweep.
                let bands = max(1, min(2 * coreCount, h / 16))
                for _ in 0..<sorIterations {
                    parallelChunks(bands, minChunk: 1) { range in
                        for band in range {
                            let lo = h * band / bands, hi = h * (band + 1) / bands
                            for y in lo..<hi {
                                sorRow(y, 0)
                                if y - 1 > lo { sorRow(y - 1, 1) }
                            }
                        }
                    }
                    for band in 0..<bands {
                        let lo = h * band / bands, hi = h * (band + 1) / bands
                        sorRow(lo, 1)
                        if hi - 1 > lo { sorRow(hi - 1, 1) }
                    }
                }
            }
            u.data.withUnsafeMutableBufferPointer { pu in v.data.withUnsafeMutableBufferPointer { pv in
                let up = pu.baseAddress!, vp = pv.baseAddress!
                var k = 0
                while k + 8 <= n { store8(up, k, load8(up, k) + load8(du, k)); store8(vp, k, load8(vp, k) + load8(dv, k)); k += 8 }
                while k < n { up[k] += du[k]; vp[k] += dv[k]; k += 1 }
            }}
        }
        return FlowField(u: u, v: v)
    }
}

/// Lanes 0, 2, 4, 6 of an 8-pixel chunk that starts on an even column.
let evenLanes: SIMDMask<SIMD8<Int32>> = [true, false, true, false, true, false, true, false]

/// (a + b) / 2, elementwise.
func averaged(_ a: Plane, _ b: Plane) -> Plane {
    var out = Plane(uninitializedWidth: a.width, height: a.height)
    let n = a.count
    a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in
        out.data.withUnsafeMutableBufferPointer { po in
            let x = pa.baseAddress!, y = pb.baseAddress!, o = po.baseAddress!
            var k = 0
            while k + 8 <= n { store8(o, k, 0.5 * (load8(x, k) + load8(y, k))); k += 8 }
            while k < n { o[k] = 0.5 * (x[k] + y[k]); k += 1 }
        }
    }}
    return out
}

/// Lends base pointers of several arrays at once (read-only).
func withPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> R) -> R {
    var ptrs: [UnsafePointer<Float>] = []
    ptrs.reserveCapacity(arrays.count)
    func go(_ i: Int) -> R {
        if i == arrays.count { return body(ptrs) }
        return arrays[i].withUnsafeBufferPointer { b in ptrs.append(b.baseAddress!); return go(i + 1) }
    }
    return go(0)
}
