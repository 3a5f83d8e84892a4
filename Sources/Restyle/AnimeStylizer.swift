import Imaging
import Flow

/// Parameters of the anime/toon look. All intensities are on 0…1; distances are in working pixels.
public struct AnimeParameters: Sendable, Equatable {
    /// Guided-filter radius of the edge-preserving smoothing.
    public var smoothRadius = 4
    /// Guided-filter regulariser (larger flattens more).
    public var smoothEps: Float = 0.006
    /// Smoothing passes.
    public var smoothIterations = 2
    /// Luminance levels of the soft quantisation (Δq = 1 / levels).
    public var levels = 5
    /// φ·Δq: steepness of the tanh step between levels (large = hard bands).
    public var sharpness: Float = 8
    /// Chroma gain (anime colours are more saturated than footage).
    public var saturation: Float = 1.25
    /// Line art operator.
    public var lines = XDoG()
    /// How dark lines get: 1 = black ink, 0 = none.
    public var lineStrength: Float = 0.85
    /// The line art is drawn on a lightly smoothed luma (one guided-filter pass of this radius and
    /// regulariser), not on the flattened colours: those have lost eyes and mouth on small faces.
    public var lineSmoothRadius = 2
    /// See `lineSmoothRadius`.
    public var lineSmoothEps: Float = 0.003
    /// Dark footage is stylised as if exposed to this mean luma (gain ≤ `maxExposureGain`): the
    /// smoothing regulariser, the line operator and the tone levels all see the brightened luma, so
    /// a dimly lit subject keeps its own tones and lines instead of becoming one dark level.
    public var exposureTarget: Float = 0.45
    /// See `exposureTarget`.
    public var maxExposureGain: Float = 3
    /// Fine detail put back over the coherence carry (`Stylizer.coherenceDetailRestore`, 3×3 box): with
    /// the carry's cubic taps on moving pixels, 0.6 keeps bikes' ghosting at 0.90 and E_warp at 0.48 (see the README).
    public var coherenceDetailRestore: Float = 0.6

    /// Creates the defaults listed above.
    public init() {}

    /// The `anime` style.
    public static let anime = AnimeParameters()
    /// The `toon` style: flatter regions, bolder colours, stronger lines.
    public static let toon: AnimeParameters = {
        var p = AnimeParameters()
        p.sharpness = 6; p.saturation = 1.4; p.lineStrength = 0.95
        p.smoothEps = 0.012; p.coherenceDetailRestore = 0.5; p.lineSmoothEps = 0.006
        return p
    }()
}

/// Cel shading: edge-preserving smoothing, soft luminance quantisation
/// q + (Δq/2)·tanh(φ(L − q)) (Winnemöller, Olsen, Gooch 2006) and XDoG line art.
/// Works at half resolution: the look is flat regions, which survive upsampling. Radii scale with
/// the frame (`SmallFrames`) and, inside faces, with the face (`FaceDetail`).
public struct AnimeStylizer: Stylizer {
    /// The look's parameters.
    public var parameters: AnimeParameters
    /// Face-sized smoothing inside faces (nil: the frame's radius everywhere).
    var faceDetail: FaceDetail?
    /// The look's own (`AnimeParameters.coherenceDetailRestore`).
    public var coherenceDetailRestore: Float { parameters.coherenceDetailRestore }
    /// Processed at half size (frames of 640 pixels and more).
    public var reduction: Int { 2 }
    /// Small frames (long side under 640) are processed at full size, so faces keep their pixels.
    public func reduction(forWidth width: Int, height: Int) -> Int { SmallFrames.reduction(width, height) }

    /// Creates the styliser (without face-sized smoothing; `StyleSettings.makeStylizer()` adds it).
    public init(parameters: AnimeParameters = .anime) { self.parameters = parameters }

    /// Creates the styliser with face-sized smoothing from Kinema's BlazeFace.
    /// - Throws: the face detector's model-loading errors.
    public init(parameters: AnimeParameters, faceSized: Bool) throws {
        self.parameters = parameters
        if faceSized { faceDetail = try FaceDetail() }
    }


    /// Stylises one frame.
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let p = parameters
        let luma = RGBPlanes.luma(rgb)
        let gain = exposureGain(luma)
        let eps = p.smoothEps / (gain * gain)
        let radius = SmallFrames.scaled(p.smoothRadius, rgb)
        var smooth = GuidedFilter.smooth(rgb, radius: radius, eps: eps, iterations: p.smoothIterations)
        if let faceDetail {
            smooth = faceDetail.resmoothed(smooth, original: rgb, radius: radius, eps: eps, iterations: p.smoothIterations)
        }
        // Lines on a lightly smoothed luma, brightened like the tones.
        let lineLuma = GuidedFilter.lineLuma(luma, radius: p.lineSmoothRadius, eps: p.lineSmoothEps / (gain * gain))
        let ink = p.lines.lines(gain > 1 ? lineLuma.map { min(1, $0 * gain) } : lineLuma)
        // Levels are spaced on the brightened luma: Δq / gain on the frame's own.
        let dq = 1 / Float(max(2, p.levels)) / gain, phi = p.sharpness / dq, sat = p.saturation, ls = p.lineStrength
        return ink.data.withUnsafeBufferPointer { inkp in
            mapRGB8(smooth, { r, g, b, i in
                let l = 0.299 * r + 0.587 * g + 0.114 * b
                let q = roundedToNearest(l / dq) * dq
                let lq = q + 0.5 * dq * tanh8(phi * (l - q))
                let k = 1 - ls * (1 - load8(inkp.baseAddress!, i))
                return ((lq + sat * (r - l)) * k, (lq + sat * (g - l)) * k, (lq + sat * (b - l)) * k)
            }, { r, g, b, i in
                let l = 0.299 * r + 0.587 * g + 0.114 * b
                let q = (l / dq).rounded() * dq
                let lq = q + 0.5 * dq * tanhf(phi * (l - q))
                let k = 1 - ls * (1 - inkp[i])
                return ((lq + sat * (r - l)) * k, (lq + sat * (g - l)) * k, (lq + sat * (b - l)) * k)
            })
        }
    }

    /// target / mean luma, clamped to 1…maxExposureGain.
    func exposureGain(_ luma: Plane) -> Float {
        let mean = luma.data.reduce(0, +) / Float(max(1, luma.count))
        return min(max(parameters.exposureTarget / max(mean, 1e-3), 1), parameters.maxExposureGain)
    }
}

