/// The fixed face geometry shared by every swap: landmark index groups, the canonical (frontal,
/// eye-normalised) layout, the margin ring that extends the mesh past the face oval, and the one
/// Delaunay triangulation computed on that layout.
public enum CanonicalFace {
    /// Face-oval landmarks in order around the face (forehead top first, then clockwise on screen).
    public static let oval: [Int] = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
                                     400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
                                     54, 103, 67, 109]
    /// Inner lip contour (the mouth opening), in order.
    public static let innerLips: [Int] = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14,
                                          87, 178, 88, 95]
    /// Outer lip contour, in order.
    public static let outerLips: [Int] = [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17,
                                          84, 181, 91, 146]
    /// Subject's right eye opening (image left on a frontal face), in order.
    public static let rightEye: [Int] = [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7]
    /// Subject's left eye opening, in order.
    public static let leftEye: [Int] = [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249]

    /// Number of FaceMesh landmarks.
    public static let landmarkCount = 468
    /// How far the margin ring sits outside the oval, as a fraction of each oval point's distance
    /// from the oval's centroid.
    public static let marginScale: Float = 0.14
    /// Landmarks plus the margin ring.
    public static var extendedCount: Int { landmarkCount + oval.count }

    /// Indices (into the extended point list) of the margin ring, in oval order.
    public static var marginRing: [Int] { (0..<oval.count).map { landmarkCount + $0 } }

    /// Appends the margin ring to 468 landmarks: each oval point pushed outward from the oval's
    /// centroid by `marginScale`, keeping its depth.
    /// - Throws: `FaceSwapError.degenerateGeometry` when `points` does not hold 468 landmarks.
    public static func extended(_ points: [SIMD3<Float>]) throws -> [SIMD3<Float>] {
        guard points.count == landmarkCount else {
            throw FaceSwapError.degenerateGeometry("expected \(landmarkCount) landmarks, got \(points.count)")
        }
        var c = SIMD2<Float>(0, 0)
        for i in oval { c += SIMD2(points[i].x, points[i].y) }
        c /= Float(oval.count)
        var out = points
        out.reserveCapacity(extendedCount)
        for i in oval {
            let p = points[i]
            let d = SIMD2(p.x, p.y) - c
            out.append(SIMD3(p.x + marginScale * d.x, p.y + marginScale * d.y, p.z))
        }
        return out
    }

    /// The canonical landmarks (frontal astronaut face from `scripts/faceswap-canonical.py`), eye
    /// midpoint at the origin and inter-ocular distance 1.
    public static let landmarks: [SIMD3<Float>] = (0..<landmarkCount).map {
        SIMD3(table[3 * $0], table[3 * $0 + 1], table[3 * $0 + 2])
    }

    /// The triangulation of the extended canonical layout, computed once on first use.
    public static let triangles: [Triangle] = {
        // The canonical table is fixed and well-formed, so the triangulation cannot fail.
        let ext = (try? extended(landmarks)) ?? []
        return (try? Delaunay.triangulate(ext.map { SIMD2(Double($0.x), Double($0.y)) })) ?? []
    }()

    /// Facing cosine of every canonical triangle (frontal face), the reference for culling.
    static let facing: [Float] = {
        let ext = (try? extended(landmarks)) ?? []
        return triangles.map { PiecewiseAffineWarp.facingCosine(ext[$0.a], ext[$0.b], ext[$0.c]) }
    }()
}
