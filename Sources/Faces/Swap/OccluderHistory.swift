import Imaging

/// The target face's own recent appearance in face coordinates, and the occluders it reveals.
///
/// Chroma against the skin model (`OcclusionMask.mask`) cannot see a hand, an arm or a beige object in
/// front of the face: they have the skin's colour. What they do not have is the face's *layout*: the lips,
/// nostrils, brows and shading that this same face showed at that place a moment ago. So the target is
/// resampled every frame onto a small canonical grid (the frontal FaceMesh layout, about 0.05 inter-ocular
/// distances a cell) through the landmarks, a dozen of those canonical snapshots are kept from the last two
/// seconds or so, and their per-cell median is the reference. A cell whose current Lab lies far from the reference,
/// after a global offset for exposure changes and measured in units of the cell's own spread over time
/// (speech and blinks vary lips and lids, so they tolerate more), is covered.
///
/// A moving object occupies a given cell in a minority of the snapshots, so the median stays the face's
/// own. Cells found covered are left out of later snapshots, so an object held still does not become the
/// reference; one held for longer than `absorbFrames` is taken in (it is then part of the scene). An object
/// present from the first frame is in the first snapshots (taken before anything could be judged): those frames
/// are judged against views from a look-ahead when the renderer has them (`prime`); later it is found where it
/// moves onto face seen without it, and near that, where it lay then is judged against the face's skin (a
/// skin-toned object coming back exactly there is still missed).
struct OccluderHistory: Sendable {
    /// Canonical grid width (cells); the height follows the canonical layout's aspect.
    static let gridWidth = 44
    /// Snapshots kept, and frames between two of them: about two seconds of video at 25 fps.
    static let count = 12
    static let stride = 4
    /// Valid snapshots a cell needs before it is judged.
    static let minimumValid = 3
    /// Frames a cell may stay found covered before the object is taken into the reference.
    static let absorbFrames = 96
    /// Smallest spread (Lab units) of L and of a*, b*: video noise, landmark jitter and small shading changes.
    static let floor: SIMD3<Float> = [4, 2.5, 2.5]
    /// Distance (in spreads) where a cell starts to count as covered, and where it fully does.
    static let ramp: (Float, Float) = (2.5, 4.5)

    /// Only cells this far below the eye line (inter-ocular units) are judged: the nose, cheeks, mouth and chin,
    /// where hands and held objects cover the face. Above it brows, lids and forehead wrinkles change with
    /// every expression (a crying or laughing face moved them by more than any floor that still saw a hand).
    static let lowestJudged: Float = 0.3

    /// Whether each canonical cell is judged (see `lowestJudged`).
    static let judged: [Bool] = {
        let ext = (try? CanonicalFace.extended(CanonicalFace.landmarks)) ?? []
        let top = ext.map(\.y).min() ?? 0, (pts, w, h) = layout
        let k = (pts.map(\.y).max() ?? 1) - (pts.map(\.y).min() ?? 0)
        let span = (ext.map(\.y).max() ?? 1) - top
        // Row r sits at canonical y = top + (r − 1) · span / k (the layout maps [top, bottom] to [1, 1 + k]).
        return (0..<(w * h)).map { c in top + (Float(c / w) - 1) * span / max(k, 1e-6) >= lowestJudged }
    }()

    /// Canonical landmark positions (extended with the margin ring) in grid cells, and the grid's size.
    static let layout: (points: [SIMD2<Float>], width: Int, height: Int) = {
        let ext = (try? CanonicalFace.extended(CanonicalFace.landmarks)) ?? []
        var lo = SIMD2<Float>(repeating: .infinity), hi = -lo
        for p in ext { lo = pointwiseMin(lo, SIMD2(p.x, p.y)); hi = pointwiseMax(hi, SIMD2(p.x, p.y)) }
        let k = Float(gridWidth - 3) / max(hi.x - lo.x, 1e-6)
        let h = Int(((hi.y - lo.y) * k).rounded(.up)) + 3
        return (ext.map { (SIMD2($0.x, $0.y) - lo) * k + 1 }, gridWidth, h)
    }()

    private var snapshots: [[Float]] = []   // per snapshot: L, a, b, valid per cell
    private var cold: [Bool] = []           // per snapshot: taken before anything could be judged
    private var reference: [Float] = []     // per cell: median L, a, b, spread L, a, b, usable (0 no, 1 yes, 2 learnt unjudged)
    private var covered: [Int] = []         // per cell: consecutive frames found covered
    private var primed: [[Float]] = []      // look-ahead snapshots (`prime`), as `snapshots`
    private var frame = 0

    /// Occlusion (0...1) over the grid `lab` (the target in Lab on the swap's working grid, `points` its
    /// landmarks in grid pixels, `visible` the drawn triangles) judged against the face's recent appearance,
    /// inside `region`; then the current frame is taken into the history. `iod` is in grid pixels.
    mutating func occlusion(_ lab: RegionBuffer, points: [SIMD3<Float>], visible: [Bool], region: RegionBuffer,
                            iod: Float, sigma: Float) -> RegionBuffer? {
        let (canon, cw, ch) = Self.layout
        let n = cw * ch
        let grid = points.map { SIMD2($0.x, $0.y) }
        guard let (cur, seen) = Self.canonical(lab, points: points, visible: visible, iod: iod) else { return nil }
        if covered.count != n { covered = [Int](repeating: 0, count: n); snapshots = []; cold = []; reference = []; primed = [] }

        var cellOcc = [Float](repeating: 0, count: n)
        var found = false
        var offset = SIMD3<Float>()
        let previous = reference   // what this frame is judged against (update below replaces it)
        if !reference.isEmpty {
            // Exposure and white balance drift: a robust global offset between the frame and the reference.
            var d: [[Float]] = [[], [], []]
            for c in 0..<n where seen.data[c] > 0 && reference[7 * c + 6] > 0 {
                for k in 0..<3 { d[k].append(cur.data[3 * c + k] - reference[7 * c + k]) }
            }
            if d[0].count >= 32 { for k in 0..<3 { offset[k] = OcclusionMask.median(&d[k]) } }
            var z = RegionBuffer(width: cw, height: ch, channels: 1)
            let (r0, r1) = Self.ramp
            for c in 0..<n where seen.data[c] > 0 && reference[7 * c + 6] > 0 && Self.judged[c] {
                var s: Float = 0
                for k in 0..<3 {
                    let e = (cur.data[3 * c + k] - reference[7 * c + k] - offset[k]) / reference[7 * c + 3 + k]
                    s += e * e
                }
                z.data[c] = min(max((s.squareRoot() - r0) / (r1 - r0), 0), 1)
            }
            // A blob of cells survives, isolated cells (landmark jitter on an edge) and thin ones (a smile fold) do not.
            var soft = RegionFilter.gaussian(z, sigma: 1.5)
            for c in 0..<n {
                soft.data[c] = min(max((soft.data[c] - 0.25) / 0.3, 0), 1)
                cellOcc[c] = soft.data[c]
                if soft.data[c] > 0 { found = true }
            }
        }
        update(cur, seen: seen, occluded: cellOcc)
        guard found else { return nil }
        // Back onto the working grid, inside the judged region, with the compositor's soft edge.
        let occBuf = RegionBuffer(width: cw, height: ch, channels: 1, data: cellOcc)
        var (back, _) = Self.resample(occBuf, from: canon, to: grid, visible: visible, width: lab.width, height: lab.height)
        for i in back.data.indices where region.data[i] <= 0 { back.data[i] = 0 }
        back = Self.refined(back, lab: lab, reference: previous, offset: offset, grid: grid, visible: visible, region: region, iod: iod)
        // Faint verdicts (a blob's fading rim, a cell just over the ramp) would still pull pixels out of the colour
        // statistics (anything over 0.02 is left out) and flicker the face's colour from frame to frame: drop them.
        for i in back.data.indices { back.data[i] = min(max((back.data[i] - 0.25) / 0.5, 0), 1) }
        var grown = RegionFilter.gaussian(back, sigma: sigma)
        for i in grown.data.indices { grown.data[i] = min(max(grown.data[i] * 2, back.data[i]), 1) * (region.data[i] > 0 ? 1 : 0) }
        return grown
    }

    /// The face of `lab` (landmarks `points` in its pixels, `iod` in them) resampled onto the canonical grid, and the
    /// cells it covers; nil when the landmarks are not the extended FaceMesh set.
    static func canonical(_ lab: RegionBuffer, points: [SIMD3<Float>], visible: [Bool], iod: Float) -> (RegionBuffer, RegionBuffer)? {
        let (canon, cw, ch) = layout
        let grid = points.map { SIMD2($0.x, $0.y) }
        guard grid.count == canon.count else { return nil }
        // Sample the face at about the canonical cell size: decimate first so small details don't alias.
        let f = max(1, Int(iod / 24))
        let small = f > 1 ? RegionFilter.decimate(lab, f) : lab
        let scaled = f > 1 ? grid.map { ($0 + 0.5) / Float(f) - 0.5 } : grid
        return resample(small, from: scaled, to: canon, visible: visible, width: cw, height: ch)
    }

    /// Starts a fresh history with views of the same face from frames ahead (`canonical` of each): the first frames
    /// are judged against their median instead of not at all, so an object lying over the face from the first frame
    /// is found there (where it has moved off in some of the views). They only judge: the first `minimumValid`
    /// snapshots are the history's own, taken whole as without a look-ahead, and the views are dropped once those
    /// exist. Kept longer, they "predicted" the object where it would be when they were taken (an earlier attempt:
    /// frames 10–25 of a sliding arm got worse), and in cells where a view showed the object, judging the first
    /// frames' snapshots by them left the face there out of the history.
    mutating func prime(_ ahead: [(RegionBuffer, RegionBuffer)]) {
        let n = Self.layout.width * Self.layout.height
        covered = [Int](repeating: 0, count: n); snapshots = []; cold = []; reference = []
        primed = ahead.suffix(Self.count).compactMap { cur, seen in
            guard cur.data.count == 3 * n, seen.data.count == n else { return nil }
            // What the chroma test sees in a view (a cup, a box, anything not skin-coloured) is not the face: left out,
            // so the face in the first frames is not judged against an object that only arrives later.
            var skinCells = seen
            for c in 0..<n where !Self.judged[c] { skinCells.data[c] = 0 }
            let model = OcclusionMask.skin(cur, mask: skinCells)
            var snap = [Float](repeating: 0, count: 4 * n)
            for c in 0..<n {
                for k in 0..<3 { snap[4 * c + k] = cur.data[3 * c + k] }
                let foreign = model.map { OcclusionMask.distance(cur, c, $0) > OcclusionMask.ramp.0 } ?? false
                snap[4 * c + 3] = seen.data[c] > 0 && !foreign ? 1 : 0
            }
            return snap
        }
        if primed.count >= Self.minimumValid { rebuild() }
    }

    /// Takes the frame into the history (a snapshot every `stride` frames) and refreshes the reference.
    private mutating func update(_ cur: RegionBuffer, seen: RegionBuffer, occluded: [Float]) {
        let n = occluded.count
        for c in 0..<n { covered[c] = occluded[c] > 0.05 ? covered[c] + 1 : 0 }
        defer { frame += 1 }
        // A new track takes its first `minimumValid` snapshots from consecutive frames, so that it is judged from its
        // fourth frame on instead of its ninth: an object arriving in the first frames was painted over until then
        // (an arm crossing into a 176×144 face: 11–23 levels in frames 0–8).
        guard frame % Self.stride == 0 || snapshots.count < Self.minimumValid else { return }
        var snap = [Float](repeating: 0, count: 4 * n)
        let unjudged = snapshots.count < Self.minimumValid
        for c in 0..<n {
            for k in 0..<3 { snap[4 * c + k] = cur.data[3 * c + k] }
            // Before the history has its own reference (judged against the look-ahead, if any) every cell is taken:
            // the look-ahead judges those frames, it does not decide what the history learns.
            let ok = seen.data[c] > 0 && (unjudged || occluded[c] <= 0.05 || covered[c] > Self.absorbFrames)
            snap[4 * c + 3] = ok ? 1 : 0
        }
        snapshots.append(snap); cold.append(unjudged)
        if snapshots.count > Self.count { snapshots.removeFirst(); cold.removeFirst() }
        rebuild()
    }

    /// The per-cell reference: from the look-ahead views (`prime`) until the history has `minimumValid` snapshots
    /// of its own, then from those alone.
    private mutating func rebuild() {
        let n = Self.layout.width * Self.layout.height
        guard snapshots.count >= Self.minimumValid || primed.count >= Self.minimumValid else { return }
        if reference.count != 7 * n { reference = [Float](repeating: 0, count: 7 * n) }
        if snapshots.count >= Self.minimumValid { primed = [] }
        let source = primed.isEmpty ? snapshots : primed
        let cold = primed.isEmpty ? self.cold : []
        // Medians of a dozen values per cell: sorted in place in one small scratch buffer (this runs every
        // `stride` frames on every cell, so no per-cell arrays).
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * Self.count) { buf in
            let v = buf.baseAddress!, dev = v + Self.count
            for c in 0..<n {
                reference[7 * c + 6] = 0
                for k in 0..<3 {
                    var m = 0
                    var unjudged = 0
                    for (j, s) in source.enumerated() where s[4 * c + 3] > 0 {
                        v[m] = s[4 * c + k]; m += 1
                        if j < cold.count && cold[j] { unjudged += 1 }
                    }
                    guard m >= Self.minimumValid else { break }
                    let med = Self.sortedMedian(v, m)
                    for i in 0..<m { dev[i] = abs(v[i] - med) }
                    reference[7 * c + k] = med
                    reference[7 * c + 3 + k] = max(Self.floor[k], 1.4826 * Self.sortedMedian(dev, m))
                    // 2: usable, but learnt mostly before anything was judged (an object may have been there).
                    if k == 2 { reference[7 * c + 6] = 2 * unjudged > m ? 2 : 1 }
                }
            }
        }
    }

    /// Median of `n` values, sorting them in place (insertion sort: n is a dozen at most).
    static func sortedMedian(_ v: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        for i in 1..<max(n, 1) {
            let x = v[i]
            var j = i - 1
            while j >= 0 && v[j] > x { v[j + 1] = v[j]; j -= 1 }
            v[j + 1] = x
        }
        return v[n / 2]
    }

    /// The cell-sized occlusion `coarse` sharpened to grid pixels: near what was found, each pixel is weighed
    /// between the occluder's own colour (robust Lab of the pixels found covered in this frame) and the face's
    /// reference at that pixel. Clearly nearer the occluder: covered; clearly nearer the face: not; in between
    /// (a hand in front of a cheek of the same colour) the coarse verdict stands. So a flat or textured object
    /// keeps its own outline instead of the cells' blur.
    ///
    /// Where the reference was learnt mostly before anything could be judged and looks like the occluder rather
    /// than the face's skin, the occluder lay there while it was learnt: the pixel is judged against the skin instead.
    static func refined(_ coarse: RegionBuffer, lab: RegionBuffer, reference: [Float], offset: SIMD3<Float>, grid: [SIMD2<Float>],
                        visible: [Bool], region: RegionBuffer, iod: Float) -> RegionBuffer {
        let (canon, cw, ch) = layout
        let n = cw * ch
        guard reference.count == 7 * n else { return coarse }
        var samples: [[Float]] = [[], [], []]
        for i in coarse.data.indices where coarse.data[i] > 0.7 { for k in 0..<3 { samples[k].append(lab.data[3 * i + k]) } }
        guard samples[0].count >= 8 else { return coarse }
        var objMed = SIMD3<Float>(), objSpread = SIMD3<Float>()
        for k in 0..<3 { (objMed[k], objSpread[k]) = OcclusionMask.robust(&samples[k], floor: floor[k]) }
        var refBuf = RegionBuffer(width: cw, height: ch, channels: 7)
        for c in 0..<n {
            let usable = reference[7 * c + 6] > 0
            for k in 0..<3 {
                refBuf.data[7 * c + k] = reference[7 * c + k] + offset[k]
                refBuf.data[7 * c + 3 + k] = usable ? reference[7 * c + 3 + k] : 1e3
            }
            refBuf.data[7 * c + 6] = reference[7 * c + 6] > 1.5 ? 1 : 0
        }
        let near = RegionFilter.gaussian(coarse, sigma: max(1, 0.15 * iod))
        let (ref, _) = resample(refBuf, from: canon, to: grid, visible: visible, width: coarse.width, height: coarse.height)
        // The skin away from what was found, then again without the pixels whose reference looks like the occluder:
        // an object where it lay while the history was learnt is not found there and would widen the skin's spread.
        var skin = faceSkin(lab, coarse: coarse, region: region)
        if let (m, sp) = skin {
            var kept = coarse
            for i in kept.data.indices where region.data[i] > 0 && ref.data[7 * i + 3] > 0 && ref.data[7 * i + 6] > 0.5 {
                var face = SIMD3<Float>()
                for k in 0..<3 { face[k] = ref.data[7 * i + k] }
                if Self.distance(face, objMed, objSpread) < Self.distance(face, m, sp) { kept.data[i] = 1 }
            }
            skin = faceSkin(lab, coarse: kept, region: region) ?? skin
        }
        var out = coarse
        for i in out.data.indices where near.data[i] > 0.02 && region.data[i] > 0 && ref.data[7 * i + 3] > 0 {
            var face = SIMD3<Float>(), spread = SIMD3<Float>()
            for k in 0..<3 { face[k] = ref.data[7 * i + k]; spread[k] = ref.data[7 * i + 3 + k] }
            // A reference nearer the object's colour than the face's own skin was learnt while the object lay there
            // (it sat over the mouth from the track's first frames): the face there is judged by its skin instead.
            // Otherwise the face the object uncovers is kept as an occluder, and the object is not found where it
            // comes back to that place.
            if ref.data[7 * i + 6] > 0.5, let (skinMed, skinSpread) = skin,
               Self.distance(face, objMed, objSpread) < Self.distance(face, skinMed, skinSpread) {
                face = skinMed; spread = skinSpread
            }
            var v = SIMD3<Float>()
            for k in 0..<3 { v[k] = lab.data[3 * i + k] }
            let dFace = Self.distance(v, face, spread), dObj = Self.distance(v, objMed, objSpread)
            out.data[i] = min(max(coarse.data[i] + (dFace - dObj) / 3, 0), 1)
        }
        return out
    }

    /// Lab distance of `v` from `centre` in units of `spread`, channel by channel.
    static func distance(_ v: SIMD3<Float>, _ centre: SIMD3<Float>, _ spread: SIMD3<Float>) -> Float {
        let e = (v - centre) / spread
        return (e * e).sum().squareRoot()
    }

    /// Robust Lab (median, spread floored at `floor`) of the face in `region` away from what was found (`coarse` < 0.05),
    /// from at most about 2,000 pixels; nil with fewer than 32.
    static func faceSkin(_ lab: RegionBuffer, coarse: RegionBuffer, region: RegionBuffer) -> (SIMD3<Float>, SIMD3<Float>)? {
        guard var v = OcclusionMask.samples(lab, channels: [0, 1, 2], about: 2048,
                                            where: { region.data[$0] > 0 && coarse.data[$0] < 0.05 }) else { return nil }
        var med = SIMD3<Float>(), spread = SIMD3<Float>()
        for c in 0..<3 { (med[c], spread[c]) = OcclusionMask.robust(&v[c], floor: floor[c]) }
        return (med, spread)
    }

    /// Piecewise-affine resampling of any-channel `src` (landmarks `from`) onto a `width`×`height` buffer
    /// (landmarks `to`), triangle by triangle over the visible ones, bilinear. Returns the samples and a
    /// 1-channel coverage (1 where a triangle was drawn).
    static func resample(_ src: RegionBuffer, from: [SIMD2<Float>], to: [SIMD2<Float>], visible: [Bool],
                         width: Int, height: Int) -> (RegionBuffer, RegionBuffer) {
        let ch = src.channels, sw = src.width, sh = src.height
        var out = RegionBuffer(width: width, height: height, channels: ch)
        var cov = RegionBuffer(width: width, height: height, channels: 1)
        guard sw >= 2, sh >= 2 else { return (out, cov) }
        for (k, t) in CanonicalFace.triangles.enumerated() where k < visible.count && visible[k] {
            let p0 = to[t.a], p1 = to[t.b], p2 = to[t.c]
            let e1 = p1 - p0, e2 = p2 - p0
            let det = e1.x * e2.y - e1.y * e2.x
            guard abs(det) > 1e-6 else { continue }
            let q0 = from[t.a], f1 = from[t.b] - q0, f2 = from[t.c] - q0
            let x0 = max(0, Int(min(p0.x, p1.x, p2.x).rounded(.up))), x1 = min(width - 1, Int(max(p0.x, p1.x, p2.x).rounded(.down)))
            let y0 = max(0, Int(min(p0.y, p1.y, p2.y).rounded(.up))), y1 = min(height - 1, Int(max(p0.y, p1.y, p2.y).rounded(.down)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    // Barycentric (u, v) of the pixel centre in the destination triangle.
                    let r = SIMD2(Float(x), Float(y)) - p0
                    let u = (r.x * e2.y - r.y * e2.x) / det, v = (e1.x * r.y - e1.y * r.x) / det
                    guard u >= -1e-4, v >= -1e-4, u + v <= 1 + 1e-4 else { continue }
                    let s = q0 + u * f1 + v * f2
                    let sx = min(max(s.x, 0), Float(sw - 1)), sy = min(max(s.y, 0), Float(sh - 1))
                    let ix = min(Int(sx), sw - 2), iy = min(Int(sy), sh - 2)
                    let ax = sx - Float(ix), ay = sy - Float(iy)
                    let i00 = (iy * sw + ix) * ch, i01 = i00 + sw * ch, o = (y * width + x) * ch
                    for c in 0..<ch {
                        let top = src.data[i00 + c] + (src.data[i00 + ch + c] - src.data[i00 + c]) * ax
                        let bot = src.data[i01 + c] + (src.data[i01 + ch + c] - src.data[i01 + c]) * ax
                        out.data[o + c] = top + (bot - top) * ay
                    }
                    cov.data[y * width + x] = 1
                }
            }
        }
        return (out, cov)
    }
}
