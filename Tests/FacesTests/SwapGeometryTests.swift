import Testing
import Foundation
import Imaging
@testable import Faces

@Suite struct SwapGeometryTests {
    @Test func delaunayHasEmptyCircumcircles() throws {
        // Deterministic pseudo-random points (LCG), checked against the defining property.
        var s: UInt64 = 12345
        func r() -> Double { s = s &* 6364136223846793005 &+ 1442695040888963407; return Double(s >> 11) / Double(1 << 53) }
        let pts = (0..<200).map { _ in SIMD2(r() * 100, r() * 60) }
        let tris = try Delaunay.triangulate(pts)
        // Euler: a triangulation of n points with h on the hull has 2n − 2 − h triangles.
        #expect(tris.count > 2 * 200 - 2 - 60 && tris.count <= 2 * 200 - 5)
        for t in tris {
            #expect(Delaunay.cross(pts[t.b] - pts[t.a], pts[t.c] - pts[t.a]) > 0)
            let (cc, r2) = Delaunay.circumcircle(pts[t.a], pts[t.b], pts[t.c])
            for (i, p) in pts.enumerated() where i != t.a && i != t.b && i != t.c {
                #expect(((p - cc) * (p - cc)).sum() >= r2 * (1 - 1e-9))
            }
        }
        #expect(throws: FaceSwapError.self) { try Delaunay.triangulate([SIMD2(0, 0), SIMD2(1, 1)]) }
    }

    @Test func canonicalMeshCoversTheFace() throws {
        let tris = CanonicalFace.triangles
        let ext = try CanonicalFace.extended(CanonicalFace.landmarks)
        #expect(ext.count == 504)
        // Every landmark is a vertex and the mesh area equals the convex hull's area (no holes).
        var used = Set<Int>()
        var area: Double = 0
        for t in tris {
            used.formUnion([t.a, t.b, t.c])
            let a = ext[t.a], b = ext[t.b], c = ext[t.c]
            area += Double((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)) / 2
        }
        #expect(used.count == 504)
        let ring = CanonicalFace.marginRing.map { ext[$0] }
        var ringArea: Double = 0
        for i in ring.indices { let p = ring[i], q = ring[(i + 1) % ring.count]; ringArea += Double(p.x * q.y - q.x * p.y) / 2 }
        #expect(abs(area) >= abs(ringArea) * 0.999)
        // The canonical face is frontal: every triangle is visible.
        #expect(PiecewiseAffineWarp.visibility(ext, triangles: tris).allSatisfy { $0 })
    }

    @Test func turnedHeadCullsTheFarSide() throws {
        // Rotate the canonical face 70° about the vertical axis: triangles on the far cheek turn away.
        let a: Float = 70 * .pi / 180
        let turned = CanonicalFace.landmarks.map { p in SIMD3(p.x * cosf(a) + p.z * sinf(a), p.y, -p.x * sinf(a) + p.z * cosf(a)) }
        let ext = try CanonicalFace.extended(turned)
        let vis = PiecewiseAffineWarp.visibility(ext, triangles: CanonicalFace.triangles)
        let culled = vis.filter { !$0 }.count
        #expect(culled > 50 && culled < CanonicalFace.triangles.count / 2)
    }

    @Test func poseFitRoundTrips() {
        let pose = FacePose(logScale: logf(80), angle: 0.3, tx: 120, ty: 95)
        let pts = CanonicalFace.landmarks.map { pose.apply($0) }
        let fit = FacePose.fit(pts)
        #expect(abs(fit.logScale - pose.logScale) < 1e-4 && abs(fit.angle - pose.angle) < 1e-4)
        #expect(abs(fit.tx - pose.tx) < 1e-2 && abs(fit.ty - pose.ty) < 1e-2)
        let ps = PoseShape(pts)
        for (p, q) in zip(ps.points, pts) { #expect(((p - q) * (p - q)).sum() < 1e-4) }
    }

    @Test func piecewiseWarpEqualsGlobalAffineForAffineLandmarks() throws {
        // Source texture: a smooth but non-trivial pattern; target landmarks: source landmarks under a
        // known similarity. The piecewise warp must then equal sampling the source at the inverse map.
        let sw = 200, sh = 200
        var src = ByteImage(width: sw, height: sh, channels: 3)
        for y in 0..<sh { for x in 0..<sw { for c in 0..<3 {
            let v = 127.5 + 120 * sinf(Float(x) * 0.11 + Float(c)) * cosf(Float(y) * 0.07)
            src.data[(y * sw + x) * 3 + c] = UInt8(v)
        } } }
        let place = FacePose(logScale: logf(50), angle: 0.05, tx: 100, ty: 90)
        let srcPts = CanonicalFace.landmarks.map { place.apply($0) }
        let s: Float = 1.3, th: Float = 0.2, tx: Float = -20, ty: Float = 10
        let fwd = { (p: SIMD3<Float>) in SIMD3(s * (cosf(th) * p.x - sinf(th) * p.y) + tx, s * (sinf(th) * p.x + cosf(th) * p.y) + ty, s * p.z) }
        let dstPts = srcPts.map(fwd)
        let face = try SourceFace(image: src, landmarks: srcPts)
        let dstExt = try CanonicalFace.extended(dstPts)
        let rect = PixelRect.bounding(dstExt, pad: 2, clipWidth: 400, clipHeight: 400)!
        let (out, cov) = PiecewiseAffineWarp.warp(source: src, src: face.points, dst: dstExt, triangles: CanonicalFace.triangles,
                                                  visible: [Bool](repeating: true, count: CanonicalFace.triangles.count), rect: rect)
        var maxErr: Float = 0, covered = 0
        for y in 0..<rect.height { for x in 0..<rect.width where cov.data[y * rect.width + x] > 0 {
            covered += 1
            let X = Float(x + rect.x) - tx, Y = Float(y + rect.y) - ty
            let ux = (cosf(th) * X + sinf(th) * Y) / s, uy = (-sinf(th) * X + cosf(th) * Y) / s
            guard ux >= 1, uy >= 1, ux < Float(sw - 2), uy < Float(sh - 2) else { continue }
            let ix = Int(ux), iy = Int(uy), ax = ux - Float(ix), ay = uy - Float(iy)
            for c in 0..<3 {
                func g(_ xx: Int, _ yy: Int) -> Float { Float(src.data[(yy * sw + xx) * 3 + c]) / 255 }
                let ref = (g(ix, iy) * (1 - ax) + g(ix + 1, iy) * ax) * (1 - ay) + (g(ix, iy + 1) * (1 - ax) + g(ix + 1, iy + 1) * ax) * ay
                maxErr = max(maxErr, abs(ref - out.data[(y * rect.width + x) * 3 + c]))
            }
        } }
        #expect(covered > rect.area / 3)
        #expect(maxErr < 2e-3)
    }
}
