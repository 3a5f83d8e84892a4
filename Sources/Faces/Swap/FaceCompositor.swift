import Foundation
import Imaging

/// The source face: its image and its 468 landmarks (plus margin ring), prepared once.
public struct SourceFace: Sendable {
    /// The source photo (8-bit RGB).
    public let image: ByteImage
    /// Landmarks with the margin ring appended, source-image pixels.
    public let points: [SIMD3<Float>]
    /// The face cropped from the photo at successive halvings (area filter), with its landmarks in
    /// each level's pixels: a small target face is warped from the level nearest its size, so the
    /// source's detail is kept at the face's scale instead of aliasing out of a point-sampled warp.
    let levels: [(image: ByteImage, points: [SIMD3<Float>])]

    /// Creates a source face from an image and its 468 FaceMesh landmarks. With `delight` (the default)
    /// the photo's own side lighting is divided out of the face first (`SourceDelight`).
    /// - Throws: `FaceSwapError.degenerateGeometry` when the landmarks are not 468 points, or
    ///   `FaceSwapError.invalidArgument` when the image is not RGB or smaller than 2×2.
    public init(image: ByteImage, landmarks: [SIMD3<Float>], delight: Bool = true) throws {
        guard image.channels == 3, image.width >= 2, image.height >= 2 else {
            throw FaceSwapError.invalidArgument("source image must be RGB and at least 2×2")
        }
        self.image = image
        let pts = try CanonicalFace.extended(landmarks)
        self.points = pts
        var levels: [(image: ByteImage, points: [SIMD3<Float>])] = []
        let iod = FaceCompositor.interOcular(landmarks)
        if let r = PixelRect.bounding(pts, pad: 0.25 * max(iod, 4), clipWidth: image.width, clipHeight: image.height) {
            var img = image.cropped(x: r.x, y: r.y, width: r.width, height: r.height)
            var p = pts.map { SIMD3($0.x - Float(r.x), $0.y - Float(r.y), $0.z) }
            if delight { img = SourceDelight.delit(img, points: p, iod: iod) }
            levels.append((img, p))
            var levelIOD = iod
            while levelIOD >= 2 * FaceCompositor.minimumSourceIOD, img.width >= 16, img.height >= 16 {
                let w = img.width / 2, h = img.height / 2
                let fx = Float(w) / Float(img.width), fy = Float(h) / Float(img.height)
                img = img.resized(width: w, height: h, filter: .area)
                p = p.map { SIMD3(($0.x + 0.5) * fx - 0.5, ($0.y + 0.5) * fy - 0.5, $0.z * (fx + fy) / 2) }
                levelIOD *= (fx + fy) / 2
                levels.append((img, p))
            }
        }
        self.levels = levels.isEmpty ? [(image, pts)] : levels
    }

    /// The level to warp from for a target face `iod` pixels between the eyes (in the pixels the warp
    /// writes): the coarsest one still at least as large, so the warp never minifies by 2 or more.
    func level(forTargetIOD iod: Float) -> (image: ByteImage, points: [SIMD3<Float>]) {
        var best = levels[0]
        for l in levels.dropFirst() where FaceCompositor.interOcular(Array(l.points.prefix(CanonicalFace.landmarkCount))) >= iod { best = l }
        return best
    }
}

/// Per-track appearance state carried between frames (smoothed colour statistics).
public struct AppearanceState: Sendable {
    /// Smoothed statistics of the warped source inside the statistics mask.
    public var source: LabStats?
    /// Smoothed statistics of the target inside the statistics mask.
    public var target: LabStats?
    /// The target skin's colour model, against which occluders are found.
    public var skin: SkinModel?
    /// How much of each eye (right, left) looks unlike skin when it is open, along the track.
    public var eyeOpen: SIMD2<Float>?
    /// How much of each target eye (right, left) was kept in the last frame (`EyeAppearance.keep`).
    public var eyeKeep: SIMD2<Float>?
    /// The face's recent appearance in face coordinates, against which skin-coloured occluders are found.
    var occluders = OccluderHistory()
    /// Fresh state (after a scene cut or for a new track).
    public init() {}
}

/// What one `render` call did, for reports and tests.
public struct CompositeInfo: Sendable {
    /// The frame region that was read and written.
    public var rect: PixelRect
    /// Size of the working grid over `rect` (equal to the rect's when the face is no larger than the source's).
    public var gridWidth: Int
    /// Height of the working grid.
    public var gridHeight: Int
    /// Triangles drawn / total (the rest were culled as facing away).
    public var visibleTriangles: Int
    /// The finest blend mask (0...1) on the working grid, row-major (for tests and metrics).
    public var mask: [Float]
    /// Fraction of the face found covered by something else (0 when occlusion handling is off).
    public var occluded: Float
    /// Weight of the swap after the turned-head fade (1 = full swap).
    public var strength: Float
}

/// Renders the source face onto one target face of a frame: piecewise-affine warp, colour and
/// lighting transfer, and blending, all inside the face's bounding region.
public struct FaceCompositor: Sendable {
    /// The source face.
    public let source: SourceFace
    /// Appearance options.
    public let options: FaceSwapOptions

    /// Creates a compositor.
    public init(source: SourceFace, options: FaceSwapOptions = FaceSwapOptions()) {
        self.source = source; self.options = options
    }

    /// Inter-ocular distance of 468 landmarks (mean eye corners), in their pixels.
    static func interOcular(_ p: [SIMD3<Float>]) -> Float {
        let re = (p[33] + p[133]) / 2, le = (p[263] + p[362]) / 2
        return ((le.x - re.x) * (le.x - re.x) + (le.y - re.y) * (le.y - re.y)).squareRoot()
    }

    /// Scale of the working grid for a target face of inter-ocular distance `iod`: the source face's
    /// own resolution (it holds no finer detail), never above the frame's, and never so coarse that
    /// the face spans fewer than `minimumGridIOD` grid pixels between the eyes.
    func gridScale(targetIOD iod: Float) -> Float {
        let src = Self.interOcular(source.points)
        guard options.sourceResolutionGrid, src.isFinite, src > 0 else { return 1 }
        return min(1, max(src, Self.minimumGridIOD) / iod)
    }

    /// How far (frame pixels, plus a share of the inter-ocular distance) the occlusion grows past what was found.
    static let rimFrame: Float = 2, rimIOD: Float = 0.03

    /// Smallest inter-ocular distance of a source level (coarser levels hold too little to warp from).
    static let minimumSourceIOD: Float = 12

    /// Smallest inter-ocular distance, in grid pixels, the working grid may give a face.
    static let minimumGridIOD: Float = 48

    /// Where the face with landmarks `target` (frame pixels) is drawn in a `width`×`height` frame: the frame region,
    /// its working grid, the extended landmarks in grid pixels, the source level and the triangles drawn. Nil when
    /// the face is degenerate or outside the frame.
    func place(_ target: [SIMD3<Float>], width: Int, height: Int) throws
        -> (PixelRect, WorkingGrid, [SIMD3<Float>], (image: ByteImage, points: [SIMD3<Float>]), [Bool])? {
        let full = try CanonicalFace.extended(target)
        let iod = Self.interOcular(target)
        guard iod > 4, iod.isFinite else { return nil }
        let feather = max(1.5, options.feather * iod)
        // The pyramid's coarsest band spreads the face's low frequencies about 2^levels frame pixels past
        // the mask; a rectangle any tighter cut that halo off in a visible box edge on small faces.
        let halo = options.blend == .pyramid ? Float(1 << min(max(options.pyramidLevels, 1), 8)) : 0
        guard let rect = PixelRect.bounding(full, pad: max(3 * feather + 4, halo), clipWidth: width, clipHeight: height),
              rect.width >= 8, rect.height >= 8 else { return nil }
        let grid = WorkingGrid(rect: rect, scale: gridScale(targetIOD: iod))
        let dst = grid.map(full), tris = CanonicalFace.triangles
        let src = source.level(forTargetIOD: iod * grid.scale)
        // A triangle the source photo does not hold (its face cut off at the photo's edge) is not drawn:
        // the target shows there instead of the photo's edge pixels smeared across the face.
        let w = Float(src.image.width - 1), h = Float(src.image.height - 1)
        let inPhoto = { (p: SIMD3<Float>) in p.x >= -0.5 && p.y >= -0.5 && p.x <= w + 0.5 && p.y <= h + 0.5 }
        var visible = PiecewiseAffineWarp.visibility(full, triangles: tris)
        for (k, t) in tris.enumerated() where visible[k] {
            visible[k] = inPhoto(src.points[t.a]) && inPhoto(src.points[t.b]) && inPhoto(src.points[t.c])
        }
        return (rect, grid, dst, src, visible)
    }

    /// Replaces the face with landmarks `target` (468 points, frame pixels) in `frame`, updating `state`.
    /// Returns nil (frame untouched) when the face is degenerate or outside the frame.
    ///
    /// Warp, masks, colour, lighting and blending run on a `WorkingGrid` over the face's bounding
    /// region at the source face's resolution; only the final composite writes frame pixels.
    /// - Throws: `FaceSwapError.degenerateGeometry` when `target` does not hold 468 landmarks.
    @discardableResult
    public func render(into frame: inout ByteImage, target: [SIMD3<Float>], state: inout AppearanceState) throws -> CompositeInfo? {
        guard frame.channels == 3, let (rect, grid, dst, src, visible) = try place(target, width: frame.width, height: frame.height) else {
            return nil
        }
        let iod = Self.interOcular(target), feather = max(1.5, options.feather * iod)
        // Everything below is in grid pixels: landmarks, lengths and the region itself.
        let s = grid.scale, area = grid.bounds
        let tris = CanonicalFace.triangles
        var (warped, cov) = PiecewiseAffineWarp.warp(source: src.image, src: src.points, dst: dst,
                                                     triangles: tris, visible: visible, rect: area)
        let tgt = grid.sample(frame)

        // Blend mask: face oval ∩ drawn triangles, eroded then feathered; kept eyes / mouth are cut
        // out with a narrower feather so their interiors stay exactly the target's.
        var hard = RegionBuffer(width: area.width, height: area.height, channels: 1)
        FaceMasks.fill(&hard, polygon: FaceMasks.polygon(dst, CanonicalFace.oval, scale: 1.0, origin: area), value: 1)
        FaceMasks.intersect(&hard, FaceMasks.erode(cov, radius: 2 * s))
        let strength = Self.yawStrength(target, sourceYaw: Self.yawDegrees(source.points))
        guard strength > 0 else { return nil }
        var holes = RegionBuffer(width: area.width, height: area.height, channels: 1)
        var occRegion = hard
        let eyes = [CanonicalFace.rightEye, CanonicalFace.leftEye]
        var eyeKeep = eyes.map { eyeHole(target, $0) }
        for eye in eyes { FaceMasks.fill(&occRegion, polygon: FaceMasks.polygon(dst, eye, scale: 1.35, origin: area), value: 0) }
        let innerMouth = FaceMasks.polygon(dst, CanonicalFace.innerLips, scale: 1.15, origin: area)
        if options.mouth != .swap { FaceMasks.fill(&holes, polygon: innerMouth, value: 1) }
        FaceMasks.fill(&occRegion, polygon: innerMouth, value: 0)

        var occlusion: RegionBuffer?
        var skinTrust: RegionBuffer?
        if options.colorTransfer || options.lighting || options.occlusion {
            var stats = RegionBuffer(width: area.width, height: area.height, channels: 1)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.oval, scale: 0.85, origin: area), value: 1)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.outerLips, scale: 1.2, origin: area), value: 0)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.rightEye, scale: 1.7, origin: area), value: 0)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.leftEye, scale: 1.7, origin: area), value: 0)
            FaceMasks.intersect(&stats, FaceMasks.erode(cov, radius: 3 * s))
            // Lab only where it is read: the target over the face, the source where drawn.
            let covBox = FaceMasks.bounds(cov) ?? area
            let tLab = FaceMasks.converting(tgt, in: covBox) { $0.toLab() }
            if options.occlusion, let model = state.skin ?? OcclusionMask.firstSkin(tLab, mask: stats) {
                // Occluders keep the target's pixels and stay out of every statistic below.
                let sigma = max(0.7, 0.03 * iod * s)
                var inner = OcclusionMask.mask(tLab, region: occRegion, model: model, sigma: sigma)
                // Skin-coloured occluders (hands, arms, beige objects) differ from the face's own recent layout instead.
                if options.occluderHistory, let seen = state.occluders.occlusion(tLab, points: dst, visible: visible, region: occRegion, iod: iod * s, sigma: sigma) {
                    for i in inner.data.indices { inner.data[i] = max(inner.data[i], seen.data[i]) }
                }
                let occ = OcclusionMask.extended(inner, lab: tLab, face: hard, box: covBox, model: model, sigma: sigma, iod: iod * s)
                for i in stats.data.indices where occ.data[i] > 0.02 { stats.data[i] = 0 }
                state.skin = OcclusionMask.updated(model, with: OcclusionMask.skin(tLab, mask: stats), alpha: 0.1)
                // The blend keeps the object's whole rim: the codec blurs its chroma over 2 frame pixels (4:2:0) and
                // the mask's own edge is soft, so the blend reached 2–4 px into it (a cup at 176×144: 5.3 → 3.9 levels).
                // Only the blend: the colour statistics keep their own mask.
                occlusion = occ
                if occ.data.contains(where: { $0 > 0.5 }) {
                    // Not from the mouth: teeth and lip edges of a wide smile are found there on clean frames, and
                    // widening them kept the target's mouth (dlib distance +0.015 on the webcam clip).
                    let rim = (Self.rimFrame + Self.rimIOD * iod) * s
                    var inside = FaceMasks.erode(hard, radius: 3 * rim)
                    FaceMasks.fill(&inside, polygon: FaceMasks.polygon(dst, CanonicalFace.innerLips, scale: 1.6, origin: area), value: 0)
                    occlusion = OcclusionMask.rimCovered(occ, inside: inside, radius: rim)
                }
            }
            if options.eyes == .auto, let model = state.skin {
                // FaceMesh barely closes its lids on a blink seen from above; the eye's own pixels do:
                // an open eye shows sclera and iris, far from the skin's colour, a closed one shows lid.
                let read = eyes.map { EyeAppearance.reading(tLab, polygon: FaceMasks.polygon(dst, $0, scale: 1.0, origin: area), skin: model) }
                let seen = read.map(\.seen)
                state.eyeOpen = EyeAppearance.updatedReference(state.eyeOpen, seen: SIMD2(seen[0], seen[1]))
                let kept = EyeAppearance.keep(seen: SIMD2(seen[0], seen[1]), sclera: SIMD2(read[0].sclera, read[1].sclera),
                                              pixels: SIMD2(read[0].pixels, read[1].pixels), reference: state.eyeOpen!,
                                              landmarks: SIMD2(eyeKeep[0], eyeKeep[1]), previous: state.eyeKeep)
                state.eyeKeep = kept
                eyeKeep = [kept[0], kept[1]]
            }
            if options.blend == .poisson, let t = LabColor.stats(tLab, mask: stats) {
                skinTrust = LabColor.skinLike(tLab, stats: t, occlusion: occlusion)
            }
            warped = FaceMasks.converting(warped, in: covBox) { $0.toLab() }
            if options.colorTransfer, let sw = LabColor.stats(warped, mask: stats), let t = LabColor.stats(tLab, mask: stats) {
                let a = options.colorSmoothing
                state.source = state.source.map { $0.blended(toward: sw, alpha: a) } ?? sw
                state.target = state.target.map { $0.blended(toward: t, alpha: a) } ?? t
                LabColor.transfer(&warped, where: cov, from: state.source!, to: state.target!)
            }
            if options.lighting {
                LightingTransfer.apply(srcLab: &warped, targetLab: tLab, statsMask: stats, apply: cov, sigma: 0.35 * iod * s)
            }
            warped = FaceMasks.converting(warped, in: covBox) { Image.fromLab($0) }
        }

        for (k, eye) in eyes.enumerated() where eyeKeep[k] > 0 {
            FaceMasks.fill(&holes, polygon: FaceMasks.polygon(dst, eye, scale: 1.35, origin: area), value: eyeKeep[k])
        }
        let holeSoft = RegionFilter.gaussian(holes, sigma: max(0.8, 0.025 * iod) * s)

        var blended: RegionBuffer, soft: RegionBuffer
        switch options.blend {
        case .pyramid:
            var m = RegionFilter.gaussian(FaceMasks.erode(hard, radius: 1.5 * feather * s), sigma: feather * s)
            for i in m.data.indices { m.data[i] *= (1 - holeSoft.data[i]) * strength * (1 - (occlusion?.data[i] ?? 0)) }
            // Pyramid bands are counted at frame resolution: a coarser grid already stands for the finest ones.
            let skipped = Int(log2(1 / s).rounded())
            blended = PyramidBlend.blend(fg: warped, bg: tgt, mask: m, coverage: cov, levels: max(1, options.pyramidLevels - skipped))
            soft = m
        case .poisson:
            // Seamless cloning as source + membrane: the correction that makes the source meet the
            // target at the seam is harmonic inside the region, so it is solved on a coarse grid and
            // interpolated. The region has no holes: a kept eye or mouth as a boundary would pull its
            // dark or red interior into the skin around it (the old dark blotch); they are cut in
            // afterwards with their feathered mask, as in the pyramid blend.
            var region = FaceMasks.erode(hard, radius: 2 * s)
            if let occ = occlusion { for i in region.data.indices where occ.data[i] > 0.5 { region.data[i] = 0 } }
            let cloned = PoissonMembrane.clone(source: warped, target: tgt, region: region, trust: skinTrust)
            var m = RegionFilter.gaussian(region, sigma: max(0.7, 0.5 * feather * s))
            for i in m.data.indices { m.data[i] *= (1 - holeSoft.data[i]) * strength }
            blended = Image.mixed(cloned, tgt, mask: m)
            soft = m
        }
        // The coarse pyramid bands spread the face into the occluder's hole and into the kept mouth and
        // eyes (a band of changed pixels across a disc held over the open mouth); put their pixels back exactly.
        var keep = holeSoft
        if let occ = occlusion {
            for i in keep.data.indices { keep.data[i] = max(keep.data[i], occ.data[i]) }
            for i in soft.data.indices { soft.data[i] *= 1 - occ.data[i] }
        }
        blended = Image.mixed(tgt, blended, mask: keep)
        grid.composite(into: &frame, bg: tgt, blended: blended, mask: soft)
        var covered: Float = 0, face: Float = 0
        if let occ = occlusion { for i in occRegion.data.indices where occRegion.data[i] > 0 { face += 1; covered += occ.data[i] } }
        return CompositeInfo(rect: rect, gridWidth: grid.width, gridHeight: grid.height,
                             visibleTriangles: visible.filter { $0 }.count, mask: soft.data,
                             occluded: face > 0 ? covered / face : 0, strength: strength)
    }
}
