/// Poisson (seamless) cloning, Pérez, Gangnet & Blake 2003.
extension Image {
    /// Blends `source` into `target` inside `mask` so the result keeps the source's
    /// gradients while matching the target along the mask's border.
    ///
    /// Solves the discrete Poisson equation `Δf = Δsource` over the pixels where
    /// `mask > 0.5` with `f = target` on their outside neighbours (Dirichlet), by
    /// conjugate gradients per channel. Neighbours beyond the image edge are left out
    /// (Neumann). `source`, `target` and the 1-channel `mask` share width and height; the
    /// source is usually already warped into the target's frame. Iteration stops when the
    /// residual norm falls below `tolerance` times the right-hand side's, or after
    /// `maxIterations`. Pixels outside the mask are the target's.
    public static func poissonBlended(source: Image, target: Image, mask: Image,
                                      maxIterations: Int = 1000, tolerance: Float = 1e-5) -> Image {
        precondition(source.width == target.width && source.height == target.height && source.channels == target.channels,
                     "poisson: source and target differ in shape")
        precondition(mask.width == target.width && mask.height == target.height && mask.channels == 1,
                     "poisson: mask must be 1-channel, \(target.width)x\(target.height)")
        let w = target.width, h = target.height, ch = target.channels
        var index = [Int32](repeating: -1, count: w * h)
        var pixels: [Int] = []
        for p in 0..<(w * h) where mask.data[p] > 0.5 {
            index[p] = Int32(pixels.count)
            pixels.append(p)
        }
        let n = pixels.count
        guard n > 0 else { return target }
        // Neighbour table: unknown index, or -1 for a known (target) pixel, or -2 beyond the edge.
        var nbr = [Int32](repeating: -2, count: n * 4)
        var nbrPixel = [Int](repeating: 0, count: n * 4)
        var degree = [Float](repeating: 0, count: n)
        for k in 0..<n {
            let p = pixels[k], x = p % w, y = p / w
            let candidates = [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
            for (j, (nx, ny)) in candidates.enumerated() where nx >= 0 && ny >= 0 && nx < w && ny < h {
                let q = ny * w + nx
                nbr[k * 4 + j] = index[q] >= 0 ? index[q] : -1
                nbrPixel[k * 4 + j] = q
                degree[k] += 1
            }
        }
        var out = target
        for c in 0..<ch {
            // Right-hand side: guidance divergence plus the Dirichlet boundary values.
            var b = [Float](repeating: 0, count: n)
            var x = [Float](repeating: 0, count: n)
            for k in 0..<n {
                let p = pixels[k]
                let sp = source.data[p * ch + c]
                var rhs: Float = 0
                for j in 0..<4 where nbr[k * 4 + j] != -2 {
                    let q = nbrPixel[k * 4 + j]
                    rhs += sp - source.data[q * ch + c]
                    if nbr[k * 4 + j] == -1 { rhs += target.data[q * ch + c] }
                }
                b[k] = rhs
                x[k] = sp
            }
            conjugateGradient(x: &x, b: b, degree: degree, neighbours: nbr, maxIterations: maxIterations, tolerance: tolerance)
            for k in 0..<n { out.data[pixels[k] * ch + c] = x[k] }
        }
        return out
    }

    /// Solves `A x = b` for the masked Laplacian `A` (diagonal `degree`, -1 per unknown neighbour).
    static func conjugateGradient(x: inout [Float], b: [Float], degree: [Float], neighbours: [Int32],
                                  maxIterations: Int, tolerance: Float) {
        let n = x.count
        var r = [Float](repeating: 0, count: n), d = [Float](repeating: 0, count: n), ad = [Float](repeating: 0, count: n)
        func apply(_ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                   _ deg: UnsafePointer<Float>, _ nb: UnsafePointer<Int32>) {
            for k in 0..<n {
                var s = deg[k] * v[k]
                for j in 0..<4 {
                    let q = nb[k * 4 + j]
                    if q >= 0 { s -= v[Int(q)] }
                }
                out[k] = s
            }
        }
        degree.withUnsafeBufferPointer { degBuf in
            neighbours.withUnsafeBufferPointer { nbBuf in
                let deg = degBuf.baseAddress!, nb = nbBuf.baseAddress!
                x.withUnsafeMutableBufferPointer { xb in
                    r.withUnsafeMutableBufferPointer { rb in
                        d.withUnsafeMutableBufferPointer { db in
                            ad.withUnsafeMutableBufferPointer { ab in
                                let xp = xb.baseAddress!, rp = rb.baseAddress!, dp = db.baseAddress!, ap = ab.baseAddress!
                                apply(xp, ap, deg, nb)
                                var rr: Double = 0, bb: Double = 0
                                for k in 0..<n {
                                    rp[k] = b[k] - ap[k]
                                    dp[k] = rp[k]
                                    rr += Double(rp[k] * rp[k])
                                    bb += Double(b[k] * b[k])
                                }
                                let stop = Double(tolerance) * Double(tolerance) * max(bb, 1e-20)
                                var it = 0
                                while it < maxIterations && rr > stop {
                                    apply(dp, ap, deg, nb)
                                    var dAd: Double = 0
                                    for k in 0..<n { dAd += Double(dp[k] * ap[k]) }
                                    if dAd <= 0 { break }
                                    let alpha = Float(rr / dAd)
                                    var rrNew: Double = 0
                                    for k in 0..<n {
                                        xp[k] += alpha * dp[k]
                                        rp[k] -= alpha * ap[k]
                                        rrNew += Double(rp[k] * rp[k])
                                    }
                                    let beta = Float(rrNew / rr)
                                    for k in 0..<n { dp[k] = rp[k] + beta * dp[k] }
                                    rr = rrNew
                                    it += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
