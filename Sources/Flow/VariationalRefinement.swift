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
        let eps2: Float = 1e-6, zeta2: Float = 0.01
        // Coefficient planes, reused across fixed-point iterations.
        var a11 = [Float](repeating: 0, count: n), a12 = a11, a22 = a11, b1 = a11, b2 = a11
        var wr = a11, wd = a11
        for _ in 0..<fixedPointIterations {
            let i1w = Warp.backward(i1, flow: FlowField(u: u, v: v))
            let (i1x, i1y) = i1w.gradients()
            var ix = i0x, iy = i0y
            for k in 0..<n { ix.data[k] = 0.5 * (ix.data[k] + i1x.data[k]); iy.data[k] = 0.5 * (iy.data[k] + i1y.data[k]) }
            let (ixx, ixy) = ix.gradients()
            let iyy = iy.gradients().dy
            let (ux, uy) = u.gradients(), (vx, vy) = v.gradients()
            // Robust weights and the per-pixel normal equations at du = dv = 0.
            for y in 0..<h {
                for x in 0..<w {
                    let k = y * w + x
                    let tx = Float(x) + u.data[k], ty = Float(y) + v.data[k]
                    let inside = tx >= 0 && ty >= 0 && tx <= Float(w - 1) && ty <= Float(h - 1)
                    let gx = ix.data[k], gy = iy.data[k]
                    let iz = i1w.data[k] - i0.data[k]
                    let ixz = i1x.data[k] - i0x.data[k], iyz = i1y.data[k] - i0y.data[k]
                    let gxx = ixx.data[k], gxy = ixy.data[k], gyy = iyy.data[k]
                    let beta = 1 / (gx * gx + gy * gy + zeta2)
                    let bx = 1 / (gxx * gxx + gxy * gxy + zeta2), by = 1 / (gxy * gxy + gyy * gyy + zeta2)
                    var pd: Float = 0, pg: Float = 0
                    if inside {
                        pd = delta * 0.5 / (beta * iz * iz + eps2).squareRoot() * beta
                        pg = gamma * 0.5 / (bx * ixz * ixz + by * iyz * iyz + eps2).squareRoot()
                    }
                    a11[k] = pd * gx * gx + pg * (bx * gxx * gxx + by * gxy * gxy)
                    a12[k] = pd * gx * gy + pg * (bx * gxx * gxy + by * gxy * gyy)
                    a22[k] = pd * gy * gy + pg * (bx * gxy * gxy + by * gyy * gyy)
                    b1[k] = -(pd * gx * iz + pg * (bx * gxx * ixz + by * gxy * iyz))
                    b2[k] = -(pd * gy * iz + pg * (bx * gxy * ixz + by * gyy * iyz))
                    let s2 = ux.data[k] * ux.data[k] + uy.data[k] * uy.data[k] + vx.data[k] * vx.data[k] + vy.data[k] * vy.data[k]
                    wr[k] = alpha * 0.5 / (s2 + eps2).squareRoot()
                }
            }
            // Edge weights: mean of the two endpoints' smoothness weights; zero across the border.
            for y in 0..<h {
                for x in 0..<w {
                    let k = y * w + x
                    let s = wr[k]
                    wd[k] = y + 1 < h ? 0.5 * (s + wr[k + w]) : 0
                }
            }
            for y in 0..<h {
                for x in 0..<w {
                    let k = y * w + x
                    wr[k] = x + 1 < w ? 0.5 * (wr[k] + wr[k + 1]) : 0
                }
            }
            var du = [Float](repeating: 0, count: n), dv = du
            let om = omega
            a11.withUnsafeBufferPointer { A11 in a12.withUnsafeBufferPointer { A12 in a22.withUnsafeBufferPointer { A22 in
            b1.withUnsafeBufferPointer { B1 in b2.withUnsafeBufferPointer { B2 in
            wr.withUnsafeBufferPointer { WR in wd.withUnsafeBufferPointer { WD in
            u.data.withUnsafeBufferPointer { U in v.data.withUnsafeBufferPointer { V in
            du.withUnsafeMutableBufferPointer { DU in dv.withUnsafeMutableBufferPointer { DV in
                for _ in 0..<sorIterations {
                    for colour in 0..<2 {
                        parallelChunks(h, minChunk: 16) { rows in
                            for y in rows {
                                var x = (y + colour) & 1
                                while x < w {
                                    let k = y * w + x
                                    var sw: Float = 0, su: Float = 0, sv: Float = 0
                                    if x + 1 < w { let c = WR[k]; sw += c; su += c * (U[k + 1] + DU[k + 1]); sv += c * (V[k + 1] + DV[k + 1]) }
                                    if x > 0 { let c = WR[k - 1]; sw += c; su += c * (U[k - 1] + DU[k - 1]); sv += c * (V[k - 1] + DV[k - 1]) }
                                    if y + 1 < h { let c = WD[k]; sw += c; su += c * (U[k + w] + DU[k + w]); sv += c * (V[k + w] + DV[k + w]) }
                                    if y > 0 { let c = WD[k - w]; sw += c; su += c * (U[k - w] + DU[k - w]); sv += c * (V[k - w] + DV[k - w]) }
                                    su -= sw * U[k]; sv -= sw * V[k]
                                    let nu = (B1[k] - A12[k] * DV[k] + su) / (A11[k] + sw + 1e-9)
                                    DU[k] += om * (nu - DU[k])
                                    let nv = (B2[k] - A12[k] * DU[k] + sv) / (A22[k] + sw + 1e-9)
                                    DV[k] += om * (nv - DV[k])
                                    x += 2
                                }
                            }
                        }
                    }
                }
            }}}}}}}}}}}
            for k in 0..<n { u.data[k] += du[k]; v.data[k] += dv[k] }
        }
        return FlowField(u: u, v: v)
    }
}
