import Flow

/// Parameters of the watercolour look.
public struct WatercolorParameters: Sendable, Equatable {
    /// Guided-filter radius of the wash smoothing.
    public var smoothRadius = 6
    /// Guided-filter regulariser.
    public var smoothEps: Float = 0.015
    /// Smoothing passes.
    public var smoothIterations = 2
    /// Lightening of the washes: C ← 1 − lift·(1 − C).
    public var lift: Float = 0.85
    /// Edge darkening (pigment pooling at wash borders).
    public var edgeDarkening: Float = 1.6
    /// Gain on the smoothed luma's gradient magnitude (per working pixel) before the darkening saturates:
    /// d = 1 + edgeDarkening · min(1, edgeGain · |∇|). At 8 every edge above a faint one got the same full
    /// rim, a grey halo around a head against a white door and dark bands down the door frames; at 3 the rim
    /// follows the edge's contrast. Those long still edges are also where any output pays the meter's own
    /// flow error. E_warp coherent ÷ per-frame (Farneback meter, crf 14): webcam 960×540 0.569 → 0.510, 640×360
    /// 0.543 → 0.465, Pexels 960×540 0.447 → 0.437.
    public var edgeGain: Float = 3
    /// Paper-texture modulation of the pigment density.
    public var paperStrength: Float = 0.5
    /// Outlines (0 = none), drawn on a lightly smoothed luma (one guided-filter pass of
    /// `lineSmoothRadius` and `lineSmoothEps`) so eyes and mouth keep an underdrawing.
    public var lineStrength: Float = 0.45
    /// See `lineStrength`.
    public var lineSmoothRadius = 2
    /// See `lineStrength`.
    public var lineSmoothEps: Float = 0.003

    /// Creates the defaults listed above.
    public init() {}
}

/// Watercolour: smoothed washes, edge darkening and paper-texture density modulation with
/// Bousseau et al.'s pigment model C' = C − (C − C²)(d − 1) (NPAR 2006). Works at half size.
public struct WatercolorStylizer: Stylizer {
    /// Detail put back over the coherence carry (`Stylizer.coherenceDetailRestore`). With the Catmull-Rom carry of
    /// moving pixels, 0.6 keeps bikes' cyclist at 0.877 of the per-frame look's gradient energy (1: 0.947; issue 11
    /// asks 0.85) and steadies a moving subject: Pexels 960×540 E_warp coherent ÷ per-frame (Farneback, crf 14)
    /// 0.427 → 0.355; webcam 960 and 640 and the held-out talking head unchanged (±0.001).
    public var coherenceDetailRestore: Float { 0.6 }
    /// Its paper grain is held still where the input has not changed (`Stylizer.holdsUnchangedInput`).
    public var holdsUnchangedInput: Bool { true }
    /// The look's parameters.
    public var parameters: WatercolorParameters
    /// Face-sized smoothing inside faces (nil: the frame's radius everywhere).
    var faceDetail: FaceDetail?
    /// Processed at half size.
    public var reduction: Int { 2 }
    /// Small frames (long side under 640) are processed at full size, so faces keep their pixels.
    public func reduction(forWidth width: Int, height: Int) -> Int { SmallFrames.reduction(width, height) }

    /// Creates the styliser.
    public init(parameters: WatercolorParameters = WatercolorParameters()) { self.parameters = parameters }

    /// Creates the styliser with face-sized smoothing from Kinema's BlazeFace.
    /// - Throws: the face detector's model-loading errors.
    public init(parameters: WatercolorParameters = WatercolorParameters(), faceSized: Bool) throws {
        self.parameters = parameters
        if faceSized { faceDetail = try FaceDetail() }
    }

    /// Stylises one frame.
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let p = parameters
        let radius = SmallFrames.scaled(p.smoothRadius, rgb)
        var smooth = GuidedFilter.smooth(rgb, radius: radius, eps: p.smoothEps, iterations: p.smoothIterations)
        if let faceDetail {
            smooth = faceDetail.resmoothed(smooth, original: rgb, radius: radius, eps: p.smoothEps, iterations: p.smoothIterations)
        }
        let luma = RGBPlanes.luma(smooth), original = RGBPlanes.luma(rgb)
        // Wash borders: band-pass magnitude of the smoothed luma.
        let edge = luma.gaussianBlurred(sigma: 1).gradients()
        var mag = Plane(width: luma.width, height: luma.height)
        for i in 0..<mag.count { mag.data[i] = (edge.dx.data[i] * edge.dx.data[i] + edge.dy.data[i] * edge.dy.data[i]).squareRoot() }
        mag = mag.gaussianBlurred(sigma: 1.2)
        let ink = XDoG().lines(GuidedFilter.lineLuma(original, radius: p.lineSmoothRadius, eps: p.lineSmoothEps))
        let paper = Noise.paper(width: luma.width, height: luma.height, pixelScale: Float(reduction))
        let lift = p.lift, ed = p.edgeDarkening, eg = p.edgeGain, ps = p.paperStrength, ls = p.lineStrength
        return mag.data.withUnsafeBufferPointer { mp in paper.data.withUnsafeBufferPointer { pp in
            ink.data.withUnsafeBufferPointer { ip in
                mapRGB(smooth) { r, g, b, i in
                    let d = 1 + ed * min(1, eg * mp[i]) + ps * (pp[i] - 0.5) * 2
                    let k = 1 - ls * (1 - ip[i])
                    @inline(__always) func pigment(_ c: Float) -> Float {
                        let c0 = 1 - lift * (1 - min(max(c, 0), 1))
                        return (c0 - (c0 - c0 * c0) * (d - 1)) * k
                    }
                    return (pigment(r), pigment(g), pigment(b))
                }
            }
        }}
    }
}
