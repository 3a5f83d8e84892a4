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
    public var levels = 6
    /// φ·Δq: steepness of the tanh step between levels (large = hard bands).
    public var sharpness: Float = 4
    /// Chroma gain (anime colours are more saturated than footage).
    public var saturation: Float = 1.25
    /// Line art operator.
    public var lines = XDoG()
    /// How dark lines get: 1 = black ink, 0 = none.
    public var lineStrength: Float = 0.85

    /// Creates the defaults listed above.
    public init() {}

    /// The `anime` style.
    public static let anime = AnimeParameters()
    /// The `toon` style: fewer bands, harder steps, stronger lines.
    public static let toon: AnimeParameters = {
        var p = AnimeParameters()
        p.levels = 5; p.sharpness = 6; p.saturation = 1.4; p.lineStrength = 0.95
        p.smoothEps = 0.012
        return p
    }()
}

/// Cel shading: edge-preserving smoothing, soft luminance quantisation
/// q + (Δq/2)·tanh(φ(L − q)) (Winnemöller, Olsen, Gooch 2006) and XDoG line art.
/// Works at half resolution: the look is flat regions, which survive upsampling.
public struct AnimeStylizer: Stylizer {
    /// The look's parameters.
    public var parameters: AnimeParameters
    /// Processed at half size (frames of 640 pixels and more).
    public var reduction: Int { 2 }
    /// Small frames (long side under 640) are processed at full size, so faces keep their pixels.
    public func reduction(forWidth width: Int, height: Int) -> Int { SmallFrames.reduction(width, height) }

    /// Creates the styliser.
    public init(parameters: AnimeParameters = .anime) { self.parameters = parameters }

    /// Stylises one frame.
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let p = parameters
        let radius = SmallFrames.scaled(p.smoothRadius, rgb)
        let smooth = GuidedFilter.smooth(rgb, radius: radius, eps: p.smoothEps, iterations: p.smoothIterations)
        let ink = p.lines.lines(RGBPlanes.luma(smooth))
        let dq = 1 / Float(max(2, p.levels)), phi = p.sharpness / dq, sat = p.saturation, ls = p.lineStrength
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
}
