import Imaging

/// The source face: its image and its 468 landmarks (plus margin ring), prepared once.
public struct SourceFace: Sendable {
    /// The source photo (8-bit RGB).
    public let image: ByteImage
    /// Landmarks with the margin ring appended, source-image pixels.
    public let points: [SIMD3<Float>]
    /// Creates a source face from an image and its 468 FaceMesh landmarks.
    /// - Throws: `FaceSwapError.degenerateGeometry` when the landmarks are not 468 points, or
    ///   `FaceSwapError.invalidArgument` when the image is not RGB or smaller than 2×2.
    public init(image: ByteImage, landmarks: [SIMD3<Float>]) throws {
        guard image.channels == 3, image.width >= 2, image.height >= 2 else {
            throw FaceSwapError.invalidArgument("source image must be RGB and at least 2×2")
        }
        self.image = image
        self.points = try CanonicalFace.extended(landmarks)
    }
}

/// Per-track appearance state carried between frames (smoothed colour statistics).
public struct AppearanceState: Sendable {
    /// Smoothed statistics of the warped source inside the statistics mask.
    public var source: LabStats?
    /// Smoothed statistics of the target inside the statistics mask.
    public var target: LabStats?
    /// Fresh state (after a scene cut or for a new track).
    public init() {}
}

/// What one `render` call did, for reports and tests.
public struct CompositeInfo: Sendable {
    /// The frame region that was read and written.
    public var rect: PixelRect
    /// Triangles drawn / total (the rest were culled as facing away).
    public var visibleTriangles: Int
    /// Pixels of the blend mask above 0.5, region-relative row-major (for tests and metrics).
    public var mask: [Float]
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

    /// Replaces the face with landmarks `target` (468 points, frame pixels) in `frame`, updating `state`.
    /// Returns nil (frame untouched) when the face is degenerate or outside the frame.
    /// - Throws: `FaceSwapError.degenerateGeometry` when `target` does not hold 468 landmarks.
    @discardableResult
    public func render(into frame: inout ByteImage, target: [SIMD3<Float>], state: inout AppearanceState) throws -> CompositeInfo? {
        let dst = try CanonicalFace.extended(target)
        let re = (target[33] + target[133]) / 2, le = (target[263] + target[362]) / 2
        let iod = ((le.x - re.x) * (le.x - re.x) + (le.y - re.y) * (le.y - re.y)).squareRoot()
        guard iod > 4, iod.isFinite, frame.channels == 3 else { return nil }
        let feather = max(1.5, options.feather * iod)
        guard let rect = PixelRect.bounding(dst, pad: 3 * feather + 4, clipWidth: frame.width, clipHeight: frame.height),
              rect.width >= 8, rect.height >= 8 else { return nil }
        let tris = CanonicalFace.triangles
        let visible = PiecewiseAffineWarp.visibility(dst, triangles: tris)
        var (warped, cov) = PiecewiseAffineWarp.warp(source: source.image, src: source.points, dst: dst,
                                                     triangles: tris, visible: visible, rect: rect)
        let tgt = RegionBuffer(cropping: frame, rect)

        // Blend mask: face oval ∩ drawn triangles, eroded then feathered; kept eyes / mouth are cut
        // out with a narrower feather so their interiors stay exactly the target's.
        var hard = RegionBuffer(width: rect.width, height: rect.height, channels: 1)
        FaceMasks.fill(&hard, polygon: FaceMasks.polygon(dst, CanonicalFace.oval, scale: 1.0, origin: rect), value: 1)
        FaceMasks.intersect(&hard, FaceMasks.erode(cov, radius: 2))
        var holes = RegionBuffer(width: rect.width, height: rect.height, channels: 1)
        if options.eyes == .keep {
            FaceMasks.fill(&holes, polygon: FaceMasks.polygon(dst, CanonicalFace.rightEye, scale: 1.35, origin: rect), value: 1)
            FaceMasks.fill(&holes, polygon: FaceMasks.polygon(dst, CanonicalFace.leftEye, scale: 1.35, origin: rect), value: 1)
        }
        if options.mouth == .keep {
            FaceMasks.fill(&holes, polygon: FaceMasks.polygon(dst, CanonicalFace.innerLips, scale: 1.15, origin: rect), value: 1)
        }
        let holeSoft = RegionFilter.gaussian(holes, sigma: max(0.8, 0.025 * iod))

        if options.colorTransfer || options.lighting {
            var stats = RegionBuffer(width: rect.width, height: rect.height, channels: 1)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.oval, scale: 0.85, origin: rect), value: 1)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.outerLips, scale: 1.2, origin: rect), value: 0)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.rightEye, scale: 1.7, origin: rect), value: 0)
            FaceMasks.fill(&stats, polygon: FaceMasks.polygon(dst, CanonicalFace.leftEye, scale: 1.7, origin: rect), value: 0)
            FaceMasks.intersect(&stats, FaceMasks.erode(cov, radius: 3))
            var tLab = tgt
            LabColor.rgbToLab(&tLab, where: stats)
            LabColor.rgbToLab(&warped, where: cov)
            if options.colorTransfer, let s = LabColor.stats(warped, mask: stats), let t = LabColor.stats(tLab, mask: stats) {
                let a = options.colorSmoothing
                state.source = state.source.map { $0.blended(toward: s, alpha: a) } ?? s
                state.target = state.target.map { $0.blended(toward: t, alpha: a) } ?? t
                LabColor.transfer(&warped, where: cov, from: state.source!, to: state.target!)
            }
            if options.lighting {
                LightingTransfer.apply(srcLab: &warped, targetLab: tLab, statsMask: stats, apply: cov, sigma: 0.35 * iod)
            }
            LabColor.labToRGB(&warped, where: cov)
        }

        let blended: RegionBuffer
        switch options.blend {
        case .pyramid:
            var soft = RegionFilter.gaussian(FaceMasks.erode(hard, radius: 1.5 * feather), sigma: feather)
            for i in soft.data.indices { soft.data[i] *= 1 - holeSoft.data[i] }
            blended = PyramidBlend.blend(fg: warped, bg: tgt, mask: soft, levels: options.pyramidLevels)
            hard = soft
        case .poisson:
            var region = FaceMasks.erode(hard, radius: 2)
            for i in region.data.indices where holes.data[i] > 0 { region.data[i] = 0 }
            let cloned = PoissonBlend.blend(src: warped, dst: tgt, region: region)
            // A one-pixel feather hides the sub-pixel staircase of the region edge.
            let soft = RegionFilter.gaussian(region, sigma: 1)
            blended = PyramidBlend.mix(cloned, tgt, soft)
            hard = soft
        }
        blended.paste(into: &frame, at: rect)
        return CompositeInfo(rect: rect, visibleTriangles: visible.filter { $0 }.count, mask: hard.data)
    }
}
