import Faces
import Flow

/// Face-sized smoothing for the hand-made looks.
///
/// A look's smoothing radius is tuned for the frame; a face that fills a small part of it (the
/// cyclist in bikes.mp4 is about 25 working pixels wide) loses eyes and mouth under that radius.
/// BlazeFace finds the faces in the working frame, and inside each (box grown ×`growth`, feathered)
/// the smoothing is redone with a radius of face width / `divisor`, at most the look's own radius.
struct FaceDetail: Sendable {
    /// Kinema's BlazeFace (its own threads; the detector serialises calls).
    let detector: FaceDetector
    /// Face boxes are grown by this factor about their centre (hair, chin, ears).
    static let growth: Float = 1.6
    /// Smoothing radius inside a face = face width / divisor (eye height is about width / 8).
    static let divisor: Float = 20

    /// Creates the helper with Kinema's BlazeFace (short range, the full-range model when none is found).
    /// - Throws: the detector's model-loading errors.
    init() throws { detector = try FaceDetector(range: .auto, threads: 2) }

    /// Face boxes (score ≥ 0.5) in working pixels, grown by `growth` and clamped to the frame.
    func faces(_ rgb: [Plane]) -> [(x0: Int, y0: Int, x1: Int, y1: Int, width: Float)] {
        let w = rgb[0].width, h = rgb[0].height
        guard w >= 16, h >= 16, let found = try? detector.detect(RGBPlanes.toBytes(rgb, width: w, height: h)) else { return [] }
        return found.filter { $0.score >= 0.5 }.compactMap { f in
            let cx = f.box.x + f.box.width / 2, cy = f.box.y + f.box.height / 2
            let hw = f.box.width * Self.growth / 2, hh = f.box.height * Self.growth / 2
            let x0 = max(0, Int(cx - hw)), x1 = min(w, Int(cx + hw)), y0 = max(0, Int(cy - hh)), y1 = min(h, Int(cy + hh))
            return x0 + 4 < x1 && y0 + 4 < y1 ? (x0, y0, x1, y1, f.box.width) : nil
        }
    }

    /// `smoothed` (the look's `GuidedFilter.smooth` of `rgb` with `radius`) with each face redone at
    /// radius min(`radius`, face width / `divisor`), same regulariser and passes.
    func resmoothed(_ smoothed: [Plane], original rgb: [Plane], radius: Int, eps: Float, iterations: Int) -> [Plane] {
        refining(smoothed, original: rgb) { crop, faceWidth in
            let r = min(radius, max(1, Int((faceWidth / Self.divisor).rounded())))
            return GuidedFilter.smooth(crop, radius: r, eps: eps, iterations: iterations)
        }
    }

    /// `smoothed` with each face region replaced by `refine(crop of rgb, face width)`, blended in
    /// over a feather of a quarter of the region's shorter side so no seam shows.
    func refining(_ smoothed: [Plane], original rgb: [Plane], _ refine: ([Plane], Float) -> [Plane]) -> [Plane] {
        var out = smoothed
        let w = rgb[0].width
        for f in faces(rgb) {
            let cw = f.x1 - f.x0, ch = f.y1 - f.y0
            let crop = rgb.map { p in
                Plane(width: cw, height: ch, data: (0..<(cw * ch)).map { i in p.data[(f.y0 + i / cw) * w + f.x0 + i % cw] })
            }
            let fine = refine(crop, f.width)
            let feather = Float(max(1, min(cw, ch) / 4))
            for y in 0..<ch {
                let wy = min(Float(min(y, ch - 1 - y)) / feather, 1)
                for x in 0..<cw {
                    let m = min(wy, Float(min(x, cw - 1 - x)) / feather, 1)
                    let i = (f.y0 + y) * w + f.x0 + x
                    for c in 0..<3 { out[c].data[i] += m * (fine[c].data[y * cw + x] - out[c].data[i]) }
                }
            }
        }
        return out
    }
}
