import Foundation
import Imaging

/// Removes the source photo's own side lighting before the face is warped, so that mostly the target's
/// shading (applied by `LightingTransfer`) lights the swapped face.
///
/// A face's albedo is close to mirror-symmetric, its side lighting is not. Warping the photo onto
/// itself through the FaceMesh mirror map (landmark i ↔ its left/right twin) gives, at each pixel,
/// the same spot of skin on the other half of the face; the log difference of the two (per RGB
/// channel, so a coloured fill light goes too) is twice the antisymmetric part of the shading, with
/// albedo cancelled. Half of it, smoothed over a few pixels and robustly (a mole, a brow or a strand
/// of hair is albedo, not light), is the side shading; 70 % of that is divided out: the two halves are
/// nearly evened, and most of a cast shadow's edge on a cheek or temple goes with it, which the target-side ratio at 0.35 IOD could never undo. What is
/// symmetric in the photo's light (a top light) stays, and the lighting transfer replaces it as before.
///
/// The smoothing crosses the midline, where the antisymmetric field changes sign, so a shadow along
/// the nose ridge is only partly removed. Removing it fully (smoothing each half on its own, or
/// snapping the field to the photo's edges with a guided filter) looked more even but measured worse:
/// dlib distance on breakingbad-left → car 0.570 → 0.61–0.65: the nose's own shading is identity.
enum SourceDelight {
    /// For each extended landmark (468 + margin ring), its mirror twin: nearest neighbour of the
    /// reflected canonical layout (FaceMesh's topology is symmetric; the astronaut table is not exactly).
    static let mirror: [Int] = {
        let c = CanonicalFace.landmarks
        let mid = c.reduce(Float(0)) { $0 + $1.x } / Float(c.count)
        var m = c.indices.map { i -> Int in
            let r = SIMD3(2 * mid - c[i].x, c[i].y, c[i].z)
            var best = i, bd = Float.infinity
            for j in c.indices {
                let d = c[j] - r, dd = (d * d).sum()
                if dd < bd { bd = dd; best = j }
            }
            return best
        }
        for (k, i) in CanonicalFace.oval.enumerated() {
            m.append(CanonicalFace.landmarkCount + (CanonicalFace.oval.firstIndex(of: m[i]) ?? k))
        }
        return m
    }()

    /// Smoothing of the shading difference, in inter-ocular distances: wide enough to ignore skin
    /// texture and landmark misregistration, narrow enough to keep a shadow's edge where it is.
    static let detailSigma: Float = 0.06
    /// Spread (natural log units) beyond which a pixel pair's difference is treated as albedo, not light.
    static let robustSpread: Float = 0.15
    /// Share of the estimated side shading divided out. Dividing all of it gave the same dlib distance
    /// (mean 0.521 vs 0.522 on 9 development pairs) but more flicker (E_warp 1.35× the target's vs 1.33×;
    /// 1.31× without delighting): the evened face has less lightness spread, so the colour transfer
    /// amplifies its fine texture more, and that texture slides against the target's motion.
    static let strength: Float = 0.7
    /// Largest shading factor divided out (either way), so a wrong mirror pair cannot blow a patch up.
    static let maxFactor: Float = 3

    /// The photo crop `image` (RGB) with the antisymmetric part of its shading divided out inside the
    /// face. `points` are the extended landmarks in the crop's pixels, `iod` the inter-ocular distance.
    static func delit(_ image: ByteImage, points p: [SIMD3<Float>], iod: Float) -> ByteImage {
        // A turned face's halves are not mirror images in the photo (one is foreshortened, its edge
        // meets hair or background): the correction fades out between 15° and 35° of yaw.
        let yaw = Swift.abs(FaceCompositor.yawDegrees(p))
        let amount = min(max((35 - yaw) / 20, 0), 1)
        guard amount > 0 else { return image }
        var shading = logShading(image, points: p, iod: iod)
        for i in shading.data.indices { shading.data[i] *= amount }
        var out = image
        let n = image.width * image.height
        for q in 0..<n {
            for ch in 0..<3 {
                let v = Float(image.data[3 * q + ch]) * Foundation.exp(-shading.data[3 * q + ch])
                out.data[3 * q + ch] = UInt8(min(max(v, 0) + 0.5, 255))
            }
        }
        return out
    }

    /// The antisymmetric log shading of the face in `image` per RGB channel (natural log; 0 away from the face).
    static func logShading(_ image: ByteImage, points p: [SIMD3<Float>], iod: Float) -> RegionBuffer {
        let w = image.width, h = image.height
        let rect = PixelRect(x: 0, y: 0, width: w, height: h)
        let tris = CanonicalFace.triangles
        let twin = mirror.map { p[$0] }
        // Each pixel's twin: the photo warped onto its own landmarks through the mirror map.
        let (mirrored, cov) = PiecewiseAffineWarp.warp(source: image, src: twin, dst: p, triangles: tris,
                                                       visible: [Bool](repeating: true, count: tris.count), rect: rect)
        // Where skin is compared: the face oval, less the eyes (gaze differs between them) and the mouth.
        var weight = RegionBuffer(width: w, height: h, channels: 1)
        FaceMasks.fill(&weight, polygon: FaceMasks.polygon(p, CanonicalFace.oval, scale: 0.95, origin: rect), value: 1)
        for eye in [CanonicalFace.rightEye, CanonicalFace.leftEye] {
            FaceMasks.fill(&weight, polygon: FaceMasks.polygon(p, eye, scale: 1.6, origin: rect), value: 0)
        }
        FaceMasks.fill(&weight, polygon: FaceMasks.polygon(p, CanonicalFace.innerLips, scale: 1.2, origin: rect), value: 0)
        FaceMasks.intersect(&weight, cov)
        // Per channel: a coloured fill light (teal shadows beside warm key light) is divided out too.
        var diff = RegionBuffer(width: w, height: h, channels: 3)
        for q in 0..<(w * h) where weight.data[q] > 0 {
            for ch in 0..<3 {
                let a = Float(image.data[3 * q + ch]), b = mirrored.data[3 * q + ch] * 255
                // Near-black pixels say little about the light falling on them. A clipped highlight
                // still does: its ratio to the shadowed twin only understates the light's step.
                if a < 4 || b < 4 { weight.data[q] = 0 }
                diff.data[3 * q + ch] = Foundation.log((a + 8) / (b + 8))
            }
        }
        let sigma = max(1, detailSigma * iod)
        var field = normalised(diff, weight: weight, sigma: sigma).value
        // Second pass: pairs far from the local estimate are albedo (brows, moles, hair), not light.
        var robust = weight
        for q in 0..<(w * h) where robust.data[q] > 0 {
            var r: Float = 0
            for ch in 0..<3 { r += (diff.data[3 * q + ch] - field.data[3 * q + ch]) / (3 * robustSpread) }
            robust.data[q] *= Foundation.exp(-0.5 * r * r)
        }
        let fine = normalised(diff, weight: robust, sigma: sigma)
        field = fine.value
        // Away from support (eyes, mouth, outside the face) the coarse estimate fills in, and the
        // whole correction fades out past the face oval.
        let coarse = normalised(diff, weight: robust, sigma: 0.25 * iod).value
        let support = fine.support
        var face = RegionBuffer(width: w, height: h, channels: 1)
        FaceMasks.fill(&face, polygon: FaceMasks.polygon(p, CanonicalFace.oval, scale: 1.05, origin: rect), value: 1)
        face = RegionFilter.gaussian(face, sigma: max(1, 0.08 * iod))
        let limit = Foundation.log(maxFactor)
        var out = RegionBuffer(width: w, height: h, channels: 3)
        for q in 0..<(w * h) {
            let t = min(support.data[q] / 0.5, 1)
            for ch in 0..<3 {
                let i = 3 * q + ch
                let f = field.data[i].isFinite ? field.data[i] : 0, c = coarse.data[i].isFinite ? coarse.data[i] : 0
                out.data[i] = min(max(0.5 * strength * (t * f + (1 - t) * c) * face.data[q], -limit), limit)
            }
        }
        return out
    }

    /// Normalised convolution: blur(weight · value) / blur(weight), NaN where the weight has no support,
    /// and blur(weight).
    static func normalised(_ value: RegionBuffer, weight: RegionBuffer, sigma: Float) -> (value: RegionBuffer, support: RegionBuffer) {
        let c = value.channels, n = value.width * value.height
        var vw = RegionBuffer(width: value.width, height: value.height, channels: c + 1)
        for q in 0..<n {
            for ch in 0..<c { vw.data[(c + 1) * q + ch] = value.data[c * q + ch] * weight.data[q] }
            vw.data[(c + 1) * q + c] = weight.data[q]
        }
        let b = RegionFilter.gaussian(vw, sigma: sigma)
        var out = RegionBuffer(width: value.width, height: value.height, channels: c, fill: .nan)
        var support = RegionBuffer(width: value.width, height: value.height, channels: 1)
        for q in 0..<n {
            let s = b.data[(c + 1) * q + c]
            support.data[q] = s
            if s > 1e-4 { for ch in 0..<c { out.data[c * q + ch] = b.data[(c + 1) * q + ch] / s } }
        }
        return (out, support)
    }
}
