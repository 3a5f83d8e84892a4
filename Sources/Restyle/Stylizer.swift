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
    /// Whether temporal coherence holds the look still where the input has not changed
    /// (`CoherenceParameters.unchangedResidual`). The paper looks put a grain of their own on plain input, which
    /// the carry swam along DIS's noisy flow there. The other hand-made looks are flat where the input is plain:
    /// the hold moved them by under 0.01 × per-frame E_warp on real talking heads, and toon on bikes from 0.487 to
    /// 0.500 (Kinema's meter), so they keep the flow. The learned looks must not be held: their networks paint
    /// texture the input does not have, over receptive fields far wider than the hold's box, and a plain region
    /// can move without changing (a street under a passing car); held, neural on bikes went from 2.29 to 3.61 ×
    /// the original's E_warp.
    var holdsUnchangedInput: Bool { get }
}

extension Stylizer {
    /// The fixed `reduction`.
    public func reduction(forWidth width: Int, height: Int) -> Int { reduction }
    /// None by default: looks whose fine detail flickers (anime, toon) keep the plain blend.
    public var coherenceDetailRestore: Float { 0 }
    /// 3×3 by default.
    public var coherenceDetailRadius: Int { 1 }
    /// Not held by default.
    public var holdsUnchangedInput: Bool { false }
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
    /// Longest side of the learned looks' network input (`PaintingStylizer.networkSide`,
    /// `NeuralStylizer.networkSide`): a larger working frame is reduced for the network and its look brought back
    /// by guided upsampling (`LearnedFrame.atMost`). The network is most of these looks' cost; see the README
    /// ("Network size") for the speed, faces and E_warp measured at 420. nil: the working size.
    public var learnedNetworkSide: Int? = 420
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
        // Threads of the learned looks' network. Steadied texture means coherent video, where temporal coherence
        // computes its two flows beside the look (`TemporalCoherence.processPlanes`) and keeps the other core
        // busy: with one network thread `kinema-bench restyle` (1280×720) measured neural 8.5–9.1 fps against
        // 7.8–8.9 with two, painting:1 10.5–11.0 against 10.3–10.5, each with 5–20 % less CPU per frame. Frames
        // stylised on their own (`--coherence 0`, photos) use two.
        let learnedThreads = steadyLearnedTexture ? 1 : 2
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
                                            maxWorkingSide: max(learnedWorkingSide, neuralWorkingSide), threads: learnedThreads)
            neural.networkSide = learnedNetworkSide
            if steadyLearnedTexture { neural.steadying = try LearnedSteadying(eps: LearnedSteadying.neuralEps) }
            return neural
        case .painting:
            var painting = PaintingStylizer(network: try PaintingNetwork.shared(),
                                            weights: StyleSpec(style: .painting, paintingWeights: paintingWeights).paintingWeights,
                                            maxWorkingSide: max(learnedWorkingSide, neuralWorkingSide), threads: learnedThreads)
            painting.networkSide = learnedNetworkSide
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
    var holdsUnchangedInput: Bool { base.holdsUnchangedInput }
}
