/// A triangle as three indices into a point list, counter-clockwise in y-down image coordinates
/// when seen on screen as clockwise (i.e. positive signed area `cross(b - a, c - a)`).
public struct Triangle: Sendable, Equatable, Hashable {
    /// First vertex index.
    public var a: Int
    /// Second vertex index.
    public var b: Int
    /// Third vertex index.
    public var c: Int
    /// Creates a triangle from three vertex indices.
    public init(_ a: Int, _ b: Int, _ c: Int) { self.a = a; self.b = b; self.c = c }
}

/// Delaunay triangulation by the Bowyer–Watson algorithm (insert points one at a time into a
/// super-triangle, remove the triangles whose circumcircle holds the new point, re-triangulate the hole).
///
/// O(n²) in the worst case, which is fine for the few hundred face points it is run on, once.
public enum Delaunay {
    /// Triangulates `points` (at least three, not all collinear). Returned triangles have positive
    /// signed area `(b - a) × (c - a)` and index into `points`.
    /// - Throws: `FaceSwapError.degenerateGeometry` when fewer than three distinct, non-collinear points are given.
    public static func triangulate(_ points: [SIMD2<Double>]) throws -> [Triangle] {
        let n = points.count
        guard n >= 3 else { throw FaceSwapError.degenerateGeometry("Delaunay needs at least 3 points, got \(n)") }
        var lo = points[0], hi = points[0]
        for p in points { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let span = max(hi.x - lo.x, hi.y - lo.y)
        guard span > 0, span.isFinite else { throw FaceSwapError.degenerateGeometry("Delaunay points are all identical or not finite") }
        let mid = (lo + hi) / 2
        // Super-triangle far outside the bounding box.
        var pts = points
        pts.append(mid + SIMD2(-20 * span, -10 * span))
        pts.append(mid + SIMD2(20 * span, -10 * span))
        pts.append(mid + SIMD2(0, 20 * span))

        struct Tri { var v: (Int, Int, Int); var cc: SIMD2<Double>; var r2: Double }
        func make(_ a: Int, _ b: Int, _ c: Int) -> Tri {
            var (a, b, c) = (a, b, c)
            if cross(pts[b] - pts[a], pts[c] - pts[a]) < 0 { swap(&b, &c) }
            let (cc, r2) = circumcircle(pts[a], pts[b], pts[c])
            return Tri(v: (a, b, c), cc: cc, r2: r2)
        }
        var tris = [make(n, n + 1, n + 2)]
        for i in 0..<n {
            let p = pts[i]
            var bad: [Int] = []
            for (k, t) in tris.enumerated() {
                let d = p - t.cc
                if (d * d).sum() < t.r2 * (1 + 1e-12) { bad.append(k) }
            }
            // Boundary of the cavity: edges that belong to exactly one bad triangle.
            var edgeCount: [UInt64: (Int, Int, Int)] = [:]
            func key(_ u: Int, _ v: Int) -> UInt64 { UInt64(min(u, v)) << 32 | UInt64(max(u, v)) }
            for k in bad {
                let (a, b, c) = tris[k].v
                for (u, v) in [(a, b), (b, c), (c, a)] {
                    let kk = key(u, v)
                    if let e = edgeCount[kk] { edgeCount[kk] = (e.0, e.1, e.2 + 1) } else { edgeCount[kk] = (u, v, 1) }
                }
            }
            for k in bad.reversed() { tris.swapAt(k, tris.count - 1); tris.removeLast() }
            for (_, e) in edgeCount where e.2 == 1 {
                if abs(cross(pts[e.1] - pts[e.0], p - pts[e.0])) > 1e-12 * span * span {
                    tris.append(make(e.0, e.1, i))
                }
            }
        }
        let out = tris.compactMap { t -> Triangle? in
            let (a, b, c) = t.v
            return (a >= n || b >= n || c >= n) ? nil : Triangle(a, b, c)
        }
        guard !out.isEmpty else { throw FaceSwapError.degenerateGeometry("Delaunay points are collinear") }
        return out.sorted { ($0.a, $0.b, $0.c) < ($1.a, $1.b, $1.c) }
    }

    @inline(__always) static func cross(_ u: SIMD2<Double>, _ v: SIMD2<Double>) -> Double { u.x * v.y - u.y * v.x }

    static func circumcircle(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>) -> (SIMD2<Double>, Double) {
        let d = 2 * (a.x * (b.y - c.y) + b.x * (c.y - a.y) + c.x * (a.y - b.y))
        if abs(d) < 1e-300 { return (a, .infinity) }
        let a2 = (a * a).sum(), b2 = (b * b).sum(), c2 = (c * c).sum()
        let ux = (a2 * (b.y - c.y) + b2 * (c.y - a.y) + c2 * (a.y - b.y)) / d
        let uy = (a2 * (c.x - b.x) + b2 * (a.x - c.x) + c2 * (b.x - a.x)) / d
        let cc = SIMD2(ux, uy)
        let r = a - cc
        return (cc, (r * r).sum())
    }
}
