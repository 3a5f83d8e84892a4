import Flow

/// Parameters of the pencil-sketch look.
public struct SketchParameters: Sendable, Equatable {
    /// Line art operator (on luma at full size).
    public var lines: XDoG = {
        var x = XDoG(); x.sigma = 0.8; x.tau = 0.98; x.epsilon = -0.003; x.phi = 45
        return x
    }()
    /// σ of the blur under the tonal shading.
    public var toneSigma: Float = 1.5
    /// How much dark areas are shaded (0 = lines only).
    public var toneStrength: Float = 0.55
    /// Paper colour (sRGB).
    public var paper: SIMD3<Float> = [0.96, 0.94, 0.89]
    /// Graphite colour (sRGB).
    public var graphite: SIMD3<Float> = [0.22, 0.22, 0.25]
    /// Depth of the paper grain.
    public var grain: Float = 0.04

    /// Creates the defaults listed above.
    public init() {}
}

/// Pencil sketch: XDoG lines on luminance over a soft tonal shading, on toned paper with a
/// fixed grain (Winnemöller et al. 2012). Works at half size: the soft pencil line survives
/// upsampling and is steadier under motion than a one-pixel line.
public struct SketchStylizer: Stylizer {
    /// Detail put back over the coherence carry (measured on bikes / bigbuckbunny; see the README).
    public var coherenceDetailRestore: Float { 0.45 }
    /// Its paper grain is held still where the input has not changed (`Stylizer.holdsUnchangedInput`).
    public var holdsUnchangedInput: Bool { true }
    /// The look's parameters.
    public var parameters: SketchParameters
    /// Processed at half size.
    public var reduction: Int { 2 }

    /// Creates the styliser.
    public init(parameters: SketchParameters = SketchParameters()) { self.parameters = parameters }

    /// Stylises one frame.
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let p = parameters
        let luma = RGBPlanes.luma(rgb)
        let ink = p.lines.lines(luma)
        let tone = luma.gaussianBlurred(sigma: p.toneSigma)
        let grain = Noise.paper(width: luma.width, height: luma.height, pixelScale: Float(reduction))
        let ts = p.toneStrength, paper = p.paper, gr = p.graphite, gd = p.grain
        return ink.data.withUnsafeBufferPointer { inkp in tone.data.withUnsafeBufferPointer { tp in
            grain.data.withUnsafeBufferPointer { gp in
                mapRGB(rgb) { _, _, _, i in
                    let t = tp[i]
                    let shade = 1 - ts * (1 - t) * (1 - t)
                    let m = min(1, max(0, inkp[i] * shade))
                    let g = 1 - gd * (gp[i] - 0.5) * 2
                    // Graphite deposits more on paper ridges: grain modulates the dark part.
                    let dark = (1 - m) * (0.8 + 0.4 * gp[i])
                    let k = max(0, 1 - dark)
                    return (paper.x * g * (k + (1 - k) * gr.x), paper.y * g * (k + (1 - k) * gr.y),
                            paper.z * g * (k + (1 - k) * gr.z))
                }
            }
        }}
    }
}
