import Flow

/// A per-frame look: RGB planes in, RGB planes out (same size, 0…1 sRGB).
///
/// Stylisers are pure functions of one frame; temporal coherence is added on top
/// by `TemporalCoherence`, so a pretrained network could plug in here as well.
public protocol Stylizer: Sendable {
    /// The frame is processed at 1/`reduction` of its size and upsampled afterwards (1 = full size).
    var reduction: Int { get }
    /// Stylises one frame at working size.
    func stylize(_ rgb: [Plane]) -> [Plane]
    /// The reduction for a frame of this size (default: `reduction`); learned stylisers choose it
    /// from the frame size so their cost stays bounded.
    func reduction(forWidth width: Int, height: Int) -> Int
    /// 0…1: how much of the current frame's fine detail temporal coherence puts back over the warped
    /// carry (`CoherenceParameters.detailRestore`), as far as this look's E_warp bound allows.
    var coherenceDetailRestore: Float { get }
    /// Radius (working-size pixels) of the box mean above which detail counts as fine for that restore.
    var coherenceDetailRadius: Int { get }
}

extension Stylizer {
    /// The fixed `reduction`.
    public func reduction(forWidth width: Int, height: Int) -> Int { reduction }
    /// None by default: looks whose fine detail flickers (anime, toon) keep the plain blend.
    public var coherenceDetailRestore: Float { 0 }
    /// 3×3 by default.
    public var coherenceDetailRadius: Int { 1 }
}

/// Which styliser to build, with its options.
public struct StyleSettings: Sendable {
    /// The look.
    public var style: Style
    /// Reference picture for colour transfer (and the palette of `.palette`), as RGB planes.
    public var styleImage: [Plane]?
    /// Palette preset for `.palette` when there is no style image.
    public var palettePreset: PalettePreset
    /// For `.painting`: weights of the 26 learned styles (summing to 1; empty = style 1).
    public var paintingWeights: [Float] = []
    /// 0…1: how much of the look is mixed over the original at full size (1 = the look alone).
    public var mix: Float = 1
    /// Long side of the learned looks' working size (`PaintingStylizer.maxWorkingSide`); photos use more.
    public var learnedWorkingSide = 480
    /// Long side of `neural`'s working size. The transform draws strokes of a fixed size in its input
    /// pixels, so a face needs about 90 pixels there to keep eyes and mouth: at 480 a 640×360 webcam
    /// frame ran at 320×180 and its face became a dark blob; at 640 it keeps its features.
    public var neuralWorkingSide = 640
    /// Longest side of `neural`'s network input (`NeuralStylizer.networkSide`): a larger working frame is
    /// reduced for the transform and its look brought back by guided upsampling. The transform is most of the
    /// look's cost; at 420 a 1280×720 clip runs at 8.1–8.7 fps in `kinema-bench restyle` (5.5–5.7 with the network
    /// at the 640×360 working size, 7.5–8.0 at 480, same machine), and on real talking heads (640×360, 960×540,
    /// 1280×720) dlib still finds the face in 6/6 frames, E_warp coherent ÷ per-frame 0.02–0.03 and ÷ the original
    /// 1.10–1.31 (1.20–1.37 before). nil: the working size.
    public var neuralNetworkSide: Int? = 420
    /// Forces full-resolution processing even for styles that default to half size.
    public var fullResolution: Bool
    /// Learned looks smooth their invented texture outside faces (`LearnedSteadying`), which video
    /// needs against flicker. A still photo has no flicker, so `RestylePhoto` turns it off, and so does
    /// `--coherence 0`: frames stylised on their own, each as its photo would be.
    public var steadyLearnedTexture = true

    /// Creates settings; see each styliser for its fixed parameters.
    public init(style: Style, styleImage: [Plane]? = nil, palettePreset: PalettePreset = .ukiyoE,
                fullResolution: Bool = false) {
        self.style = style; self.styleImage = styleImage
        self.palettePreset = palettePreset; self.fullResolution = fullResolution
    }

    /// Builds the styliser, including colour transfer when a style image is set.
    /// - Throws: `ModelLocatorError` or `ONNXError` when a learned look's model cannot be loaded.
    public func makeStylizer() throws -> any Stylizer {
        var base: any Stylizer
        switch style {
        case .anime: base = try AnimeStylizer(parameters: .anime, faceSized: true)
        case .toon: base = try AnimeStylizer(parameters: .toon, faceSized: true)
        case .oil: base = try OilStylizer(faceSized: true)
        case .sketch: base = SketchStylizer()
        case .watercolor: base = try WatercolorStylizer(faceSized: true)
        case .palette:
            let palette = styleImage.map { Palette(kMeansOf: $0, count: 8) } ?? Palette(preset: palettePreset)
            base = PaletteStylizer(palette: palette)
        case .neural:
            guard let styleImage else { throw RestyleError.neuralNeedsStyleImage }
            var neural = try NeuralStylizer(network: try ArbitraryStyleNetwork.shared(), style: styleImage,
                                            maxWorkingSide: max(learnedWorkingSide, neuralWorkingSide))
            neural.networkSide = neuralNetworkSide
            if steadyLearnedTexture { neural.steadying = try LearnedSteadying(eps: LearnedSteadying.neuralEps) }
            return neural
        case .painting:
            var painting = PaintingStylizer(network: try PaintingNetwork.shared(),
                                            weights: StyleSpec(style: .painting, paintingWeights: paintingWeights).paintingWeights,
                                            maxWorkingSide: max(learnedWorkingSide, neuralWorkingSide))
            if steadyLearnedTexture { painting.steadying = try LearnedSteadying(eps: LearnedSteadying.paintingEps) }
            base = painting
        }
        if fullResolution { base = FullResolution(base: base) }
        if let ref = styleImage, style != .palette {
            return ColorTransferStylizer(reference: ColorStatistics(of: ref), base: base)
        }
        return base
    }
}

/// Runs a styliser at full size regardless of its preferred reduction.
struct FullResolution: Stylizer {
    let base: any Stylizer
    var reduction: Int { 1 }
    func stylize(_ rgb: [Plane]) -> [Plane] { base.stylize(rgb) }
    var coherenceDetailRestore: Float { base.coherenceDetailRestore }
    var coherenceDetailRadius: Int { base.coherenceDetailRadius }
}
