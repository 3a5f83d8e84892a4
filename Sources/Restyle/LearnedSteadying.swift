import Faces
import Flow

/// Steadies the learned looks' invented texture outside faces.
///
/// The networks invent fine texture that changes from frame to frame on low-texture footage
/// (bikes.mp4's grey street), which temporal coherence cannot carry along the true motion. A
/// self-guided filter on the network output removes that texture; inside faces it would also
/// remove eyes and mouth, so it is faded out over the boxes BlazeFace finds in the input frame.
struct LearnedSteadying: Sendable {
    /// The face detector (its own threads; one call at a time per styliser).
    let detector: FaceDetector
    /// Guided-filter ε on 0…1 intensities (larger flattens stronger texture).
    let eps: Float
    /// Filter radius at a 320-pixel working side (scaled with the long side).
    static let radius: Float = 8
    /// Face boxes are grown by this factor about their centre (hair line, chin).
    static let faceGrowth: Float = 1.4

    /// Measured on bikes.mp4 (E_warp coherent/original) and astronaut (BlazeFace, best face's IoU):
    /// neural at ε 0.1: 7.3× → 2.26×, faces kept (IoU 0.84 / 0.88); painting at ε 0.1 went to 0.84×
    /// but painting:17's smoothed swirls then scored as a face elsewhere (IoU 0.07), so painting
    /// uses ε 0.03: 3.2× → 1.06×, faces kept (painting:17 IoU 0.79 / 0.68).
    static let neuralEps: Float = 0.1
    /// See `neuralEps`.
    static let paintingEps: Float = 0.03

    /// Creates the steadying with Kinema's BlazeFace.
    /// - Throws: the detector's model-loading errors.
    init(eps: Float) throws {
        self.eps = eps
        detector = try FaceDetector(range: .auto, threads: 2)
    }

    /// `look` smoothed outside the faces of `input` (same size planes, 0…1).
    func apply(look: [Plane], input: [Plane]) -> [Plane] {
        let w = look[0].width, h = look[0].height
        let r = max(1, Int((Self.radius * Float(max(w, h)) / 320).rounded()))
        let luma = Plane(width: w, height: h, data: (0..<(w * h)).map {
            0.299 * look[0].data[$0] + 0.587 * look[1].data[$0] + 0.114 * look[2].data[$0]
        })
        let smooth = GuidedFilter.apply(guide: luma, look, radius: r, eps: eps)
        let faces = (try? detector.detect(RGBPlanes.toBytes(input, width: w, height: h)))?.filter { $0.score >= 0.5 } ?? []
        if faces.isEmpty { return smooth }
        // 1 inside the grown face boxes, feathered over the filter radius.
        var mask = Plane(width: w, height: h)
        for f in faces {
            let cx = f.box.x + f.box.width / 2, cy = f.box.y + f.box.height / 2
            let hw = f.box.width * Self.faceGrowth / 2, hh = f.box.height * Self.faceGrowth / 2
            let x0 = max(0, Int(cx - hw)), x1 = min(w, Int(cx + hw)), y0 = max(0, Int(cy - hh)), y1 = min(h, Int(cy + hh))
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { mask.data[y * w + x] = 1 } }
        }
        mask = mask.boxFiltered(radius: r)
        return (0..<3).map { c in
            Plane(width: w, height: h, data: (0..<(w * h)).map { i in
                let m = mask.data[i]
                return m * look[c].data[i] + (1 - m) * smooth[c].data[i]
            })
        }
    }
}
