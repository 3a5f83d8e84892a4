extension AffineTransform {
    /// Least-squares similarity (uniform scale, rotation, translation, no reflection) that maps
    /// `source[i]` onto `target[i]` (Umeyama's closed form in 2-D), e.g. to align face
    /// landmarks to a template. Returns nil for fewer than 2 pairs, mismatched counts or
    /// coincident source points.
    public static func estimateSimilarity(from source: [SIMD2<Float>], to target: [SIMD2<Float>]) -> AffineTransform? {
        guard source.count == target.count, source.count >= 2 else { return nil }
        let n = Double(source.count)
        var ms = SIMD2<Double>(0, 0), mt = SIMD2<Double>(0, 0)
        for i in source.indices {
            ms += SIMD2(Double(source[i].x), Double(source[i].y))
            mt += SIMD2(Double(target[i].x), Double(target[i].y))
        }
        ms /= n; mt /= n
        var dot = 0.0, cross = 0.0, norm = 0.0
        for i in source.indices {
            let p = SIMD2(Double(source[i].x), Double(source[i].y)) - ms
            let q = SIMD2(Double(target[i].x), Double(target[i].y)) - mt
            dot += p.x * q.x + p.y * q.y
            cross += p.x * q.y - p.y * q.x
            norm += p.x * p.x + p.y * p.y
        }
        guard norm > 1e-12 else { return nil }
        let sc = dot / norm, ss = cross / norm  // scale·cos θ, scale·sin θ
        let tx = mt.x - (sc * ms.x - ss * ms.y)
        let ty = mt.y - (ss * ms.x + sc * ms.y)
        return AffineTransform(a: Float(sc), b: Float(-ss), c: Float(ss), d: Float(sc), tx: Float(tx), ty: Float(ty))
    }

    /// Least-squares general affine map taking `source[i]` to `target[i]`. Returns nil for
    /// fewer than 3 pairs, mismatched counts or collinear source points.
    public static func estimateAffine(from source: [SIMD2<Float>], to target: [SIMD2<Float>]) -> AffineTransform? {
        guard source.count == target.count, source.count >= 3 else { return nil }
        // Normal equations of [x y 1]·[a b tx]ᵀ = x' (and likewise for y'), centred for conditioning.
        let n = Double(source.count)
        var ms = SIMD2<Double>(0, 0), mt = SIMD2<Double>(0, 0)
        for i in source.indices {
            ms += SIMD2(Double(source[i].x), Double(source[i].y))
            mt += SIMD2(Double(target[i].x), Double(target[i].y))
        }
        ms /= n; mt /= n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        var ux = SIMD2<Double>(0, 0), uy = SIMD2<Double>(0, 0)  // Σ p·q'x, Σ p·q'y
        for i in source.indices {
            let p = SIMD2(Double(source[i].x), Double(source[i].y)) - ms
            let q = SIMD2(Double(target[i].x), Double(target[i].y)) - mt
            sxx += p.x * p.x; sxy += p.x * p.y; syy += p.y * p.y
            ux += p * q.x; uy += p * q.y
        }
        let det = sxx * syy - sxy * sxy
        guard abs(det) > 1e-12 * max(1, sxx * syy) else { return nil }
        let a = (ux.x * syy - ux.y * sxy) / det, b = (ux.y * sxx - ux.x * sxy) / det
        let c = (uy.x * syy - uy.y * sxy) / det, d = (uy.y * sxx - uy.x * sxy) / det
        return AffineTransform(
            a: Float(a), b: Float(b), c: Float(c), d: Float(d),
            tx: Float(mt.x - a * ms.x - b * ms.y), ty: Float(mt.y - c * ms.x - d * ms.y))
    }
}
