/// The tracked face's skin colour model: robust (median / MAD) chroma of the target's own skin,
/// carried along the track so that an object covering much of the face in one frame is still judged
/// against what the skin looked like before it arrived.
public struct SkinModel: Sendable, Equatable {
    /// Median a*, b* of the skin.
    public var chroma: SIMD2<Float>
    /// Robust spread of a*, b* (1.4826 × MAD, floored).
    public var spread: SIMD2<Float>
    /// Creates a model.
    public init(chroma: SIMD2<Float>, spread: SIMD2<Float>) { self.chroma = chroma; self.spread = spread }
}

/// Finds what covers the target face (hands holding objects, microphones, coloured objects, hair of another
/// colour): pixels whose chroma lies far from the tracked skin model. Those pixels keep the target's own
/// values in the composite and are left out of every colour and lighting statistic.
///
/// Only chroma is judged: lightness changes with shading (side light, shadows) and would flag shadowed skin.
/// Redder-than-skin chroma (lips, flushed cheeks) is tolerated more, so the lips are never taken for an occluder.
enum OcclusionMask {
    /// Smallest robust spread of a chroma channel (Lab units): video noise and skin variation.
    static let minimumSpread: Float = 3
    /// Distance (in spreads) where a pixel starts to count as occluding, and where it fully does.
    static let ramp: (Float, Float) = (4.5, 7)

    /// Robust chroma of the Lab pixels under `mask` (> 0.5); nil with fewer than 32 samples.
    static func skin(_ lab: RegionBuffer, mask: RegionBuffer) -> SkinModel? {
        guard var v = samples(lab, channels: [1, 2], about: 4096, where: { mask.data[$0] > 0.5 }) else { return nil }
        let (ma, sa) = robust(&v[0], floor: minimumSpread), (mb, sb) = robust(&v[1], floor: minimumSpread)
        return SkinModel(chroma: SIMD2(ma, mb), spread: SIMD2(sa, sb))
    }

    /// The given channels of the pixels `p` of `lab` where `keep(p)`, one per channel list: all of them, or every
    /// step-th one when there are more than about `about` (a few thousand are plenty for a median). Nil with fewer
    /// than 32 pixels.
    static func samples(_ lab: RegionBuffer, channels: [Int], about: Int, where keep: (Int) -> Bool) -> [[Float]]? {
        let n = lab.width * lab.height
        var count = 0
        for p in 0..<n where keep(p) { count += 1 }
        guard count >= 32 else { return nil }
        let step = max(1, count / about)
        var v = [[Float]](repeating: [], count: channels.count), k = 0
        for j in v.indices { v[j].reserveCapacity(count / step + 1) }
        for p in 0..<n where keep(p) {
            if k % step == 0 { for (j, c) in channels.enumerated() { v[j].append(lab.data[lab.channels * p + c]) } }
            k += 1
        }
        return v
    }

    /// The skin model of a track's first frame, when nothing is known yet about what covers the face: fitted, then
    /// refitted (twice) without the pixels farther than `trim` spreads from the last fit. An object already over the mouth mixes
    /// its colour into the sample and widens the spread, and a model that wide cannot find it (a grey disc held over
    /// the mouth from the first frame was painted over until the model drifted to the uncovered face).
    static func firstSkin(_ lab: RegionBuffer, mask: RegionBuffer) -> SkinModel? {
        guard var model = skin(lab, mask: mask) else { return nil }
        for _ in 0..<2 {
            var kept = mask
            for p in 0..<(lab.width * lab.height) where mask.data[p] > 0.5 && distance(lab, p, model) > trim { kept.data[p] = 0 }
            guard let refit = skin(lab, mask: kept) else { break }
            model = refit
        }
        return model
    }

    /// Pixels farther than this many spreads from a fit are left out of the next one.
    static let trim: Float = 4

    /// Chroma distance of pixel `p` of `lab` from `model`, in spreads (redder than the skin counts half).
    static func distance(_ lab: RegionBuffer, _ p: Int, _ model: SkinModel) -> Float {
        var da = (lab.data[3 * p + 1] - model.chroma.x) / model.spread.x
        let db = (lab.data[3 * p + 2] - model.chroma.y) / model.spread.y
        if da > 0 { da *= 0.5 }   // lips and blush are redder than the skin median
        return (da * da + db * db).squareRoot()
    }

    /// Median and robust spread (1.4826 × median absolute deviation, at least `floor`) of `v`, which is sorted.
    static func robust(_ v: inout [Float], floor: Float) -> (median: Float, spread: Float) {
        let m = median(&v)
        var dev = v.map { abs($0 - m) }
        return (m, max(floor, 1.4826 * median(&dev)))
    }

    /// Median of `v` (sorted in place; 0 when empty).
    static func median(_ v: inout [Float]) -> Float {
        v.sort()
        return v.isEmpty ? 0 : v[v.count / 2]
    }

    /// Occlusion (0...1) of every pixel of `lab` where `region` > 0, judged against `model`;
    /// smoothed a little (`sigma`) so the result is a clean soft mask, then re-thresholded so speckle
    /// on skin texture does not survive.
    static func mask(_ lab: RegionBuffer, region: RegionBuffer, model: SkinModel, sigma: Float) -> RegionBuffer {
        var occ = RegionBuffer(width: lab.width, height: lab.height, channels: 1)
        let (r0, r1) = ramp
        for p in 0..<(lab.width * lab.height) where region.data[p] > 0 {
            occ.data[p] = min(max((distance(lab, p, model) - r0) / (r1 - r0), 0), 1)
        }
        var soft = RegionFilter.gaussian(occ, sigma: sigma)
        // A blob survives, isolated specks (a few pixels of texture) fade below the cut.
        for i in soft.data.indices { soft.data[i] = min(max((soft.data[i] - 0.2) / 0.3, 0), 1) }
        // Then the blob grows by about `sigma` so its own soft edge is covered too: the occluder's
        // outline stays exactly the target's, and the face meets it with a short feather outside it.
        var grown = RegionFilter.gaussian(soft, sigma: sigma)
        for i in grown.data.indices { grown.data[i] = min(max(grown.data[i] * 2.5, soft.data[i]), 1) }
        return grown
    }

    /// `inner` (found inside the face) extended past the face's edge (`face` = 0) within `box`: an object
    /// that reaches out of the face is put back there too, where the pyramid's coarse bands would otherwise
    /// tint it. Only near what was found inside (within about 0.3 `iod`): judging all of the face's surround
    /// would also put back hair and background along the face's outline, which measurably moved the output
    /// towards the target's identity (dlib distance +0.01 on the webcam clip).
    static func extended(_ inner: RegionBuffer, lab: RegionBuffer, face: RegionBuffer, box: PixelRect,
                         model: SkinModel, sigma: Float, iod: Float) -> RegionBuffer {
        guard inner.data.contains(where: { $0 > 0.5 }) else { return inner }
        let near = RegionFilter.gaussian(inner, sigma: max(1, 0.3 * iod))
        var outside = RegionBuffer(width: inner.width, height: inner.height, channels: 1)
        for y in box.y..<(box.y + box.height) {
            for x in box.x..<(box.x + box.width) {
                let p = y * inner.width + x
                if face.data[p] == 0, near.data[p] > 0.05 { outside.data[p] = 1 }
            }
        }
        var out = inner
        let beyond = mask(lab, region: outside, model: model, sigma: sigma)
        for i in out.data.indices { out.data[i] = max(out.data[i], beyond.data[i]) }
        return out
    }

    /// Share of the face's interior that must be found covered (> 0.5) before the rim grows.
    static let minimumObject: Float = 0.05

    /// `occ` widened by `radius` pixels with a soft outer edge where it lies `inside` the face, so that an object's
    /// whole rim is kept. Not at the face's outline: hair and background inside the oval's edge are found there
    /// on every clean frame, and widening them kept the target's temples and cheeks (on a clean 176×144 clip the
    /// swapped skin moved 1.3 levels back towards the target).
    static func rimCovered(_ occ: RegionBuffer, inside: RegionBuffer, radius: Float) -> RegionBuffer {
        let r = Int(radius.rounded())
        var seed = occ
        var found = 0, area = 0
        for i in seed.data.indices where inside.data[i] > 0 {
            area += 1
            seed.data[i] *= inside.data[i]
            if seed.data[i] > 0.5 { found += 1 }
        }
        for i in seed.data.indices where inside.data[i] <= 0 { seed.data[i] = 0 }
        // Only an object-sized find grows: what a clean face shows (lip edges and teeth of a wide grin, a fold) cost
        // identity when widened (webcam clip, biden: dlib 0.486 → 0.501 at 2 % of the face, 0.488 at 5 %).
        guard r >= 1, Float(found) >= minimumObject * Float(area) else { return occ }
        var out = RegionFilter.gaussian(RegionFilter.dilate(seed, radius: r), sigma: Float(r) / 2)
        for i in out.data.indices { out.data[i] = max(out.data[i], occ.data[i]) }
        return out
    }

    /// The model moved towards this frame's skin (only frames where little is covered update it).
    static func updated(_ model: SkinModel?, with frame: SkinModel?, alpha: Float) -> SkinModel? {
        guard let f = frame else { return model }
        guard let m = model else { return f }
        return SkinModel(chroma: m.chroma + (f.chroma - m.chroma) * alpha, spread: m.spread + (f.spread - m.spread) * alpha)
    }
}
