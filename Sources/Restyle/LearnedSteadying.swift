import Faces
import Flow

/// Steadies the learned looks' invented texture outside faces.
///
/// The networks invent fine texture that changes from frame to frame on low-texture footage
/// (bikes.mp4's grey street), which temporal coherence cannot carry along the true motion. A guided
/// filter with the *input* frame's luma as the guide keeps of the look only what is a local linear
/// function of the input: its colours, and the input's own edges (a door's panels, a wheel), while
/// texture the input does not have goes. Inside faces it would also flatten eyes and mouth, so it is
/// faded out over the boxes BlazeFace finds in the input frame.
struct LearnedSteadying: Sendable {
    /// The face detector (its own threads; one call at a time per styliser).
    let detector: FaceDetector
    /// Guided-filter ε on 0…1 intensities of the input's luma (smaller keeps fainter input edges).
    let eps: Float
    /// Filter radius at a 320-pixel working side (scaled with the long side).
    static let radius: Float = 8
    /// Face boxes are grown by this factor about their centre (hair line, chin).
    static let faceGrowth: Float = 1.4

    /// Measured on bikes.mp4 and a real webcam talking head (E_warp coherent/original): guided by the
    /// look itself (ε 0.1) the background became blurred colour fields with no door panels or wheel
    /// left; guided by the input at ε 0.01 they stay, at 1.22× (bikes) and 1.62× (webcam) the
    /// original's E_warp (ε 0.003: 1.93× on the webcam, ε 0.0005: 2.02×).
    static let neuralEps: Float = 0.01
    /// See `neuralEps`; painting's strokes follow the input more closely, so it keeps more of them.
    static let paintingEps: Float = 0.003

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
        let smooth = GuidedFilter.apply(guide: RGBPlanes.luma(input), look, radius: r, eps: eps)
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
