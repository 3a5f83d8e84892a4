import TestMedia
import Foundation
import Imaging
import Flow
import Testing
import VideoIO
@testable import Restyle

/// Frames of a bundled clip, at most 640 pixels wide (bigbuckbunny is halved to 640×360 to keep tests fast).
func clipFrames(_ name: String, count: Int) throws -> [ByteImage] {
    try Media.byteFrames(name, count: count).map { b in
        b.width > 640 ? RGBPlanes.toBytes(RGBPlanes.from(b, factor: 2), width: b.width / 2, height: b.height / 2) : b
    }
}

@Test(arguments: ["bikes.mp4", "bigbuckbunny.mp4"])
func coherenceCutsWarpingError(clip: String) throws {
    let frames = try clipFrames(clip, count: 12)
    let styles = Style.allCases
    // `neural` takes its style from a real photo (coffee.png); the others need no picture.
    let coffee = RGBPlanes.from(try ImageFile.read(Media.url("coffee.png")))
    func settings(_ s: Style, steady: Bool = true) -> StyleSettings {
        var settings = StyleSettings(style: s, styleImage: s == .neural ? coffee : nil)
        settings.steadyLearnedTexture = steady
        return settings
    }
    // Per-frame is what `--coherence 0` gives: every frame stylised on its own, without steadying.
    let perFrame = try styles.map {
        TemporalCoherence(stylizer: try settings($0, steady: false).makeStylizer(), parameters: CoherenceParameters(coherence: 0))
    }
    let cp = CoherenceParameters()
    let coherent = try styles.map { TemporalCoherence(stylizer: try settings($0).makeStylizer(), parameters: cp) }
    var meter = WarpErrorMeter(streams: 2 * styles.count)
    for f in frames {
        var outs: [Image] = []
        for k in styles.indices { outs.append(Image(perFrame[k].process(f))); outs.append(Image(coherent[k].process(f))) }
        try meter.add(original: Image(f), processed: outs)
    }
    let v = try meter.values(), orig = try meter.originalValue()
    print("metric valid fraction \(1 - meter.occludedFractionSum / Double(meter.pairs))")
    for (k, s) in styles.enumerated() {
        let pf = v[2 * k], co = v[2 * k + 1]
        print(String(format: "E_warp %@ %@: original %.5f  per-frame %.5f  coherent %.5f  (coherent/per-frame %.3f, coherent/original %.3f)  cuts %d valid %.2f",
                     clip, s.rawValue, orig, pf, co, co / pf, co / orig, coherent[k].report.cuts, coherent[k].report.meanValidFraction))
        #expect(co <= 0.5 * pf, "\(s) on \(clip): coherent \(co) vs per-frame \(pf)")
        // Issue 11's bounds against the original: 2× (hand-made, painting), 2.5× (neural). The learned
        // looks meet them on bikes only with their texture steadied outside faces (LearnedSteadying):
        // painting 3.2× → 1.06×, neural 7.3× → 2.26×.
        let bound: Double = s == .neural ? 2.5 : 2
        #expect(co <= bound * orig, "\(s) on \(clip): coherent \(co) vs original \(orig)")
    }
}

/// Ghosting on bikes.mp4 (a cyclist and cars crossing a street): the coherent output's luma gradient
/// energy on moving-subject pixels relative to the per-frame output's (GhostingMetric). Issue 11 asks
/// for ≥ 0.85. The carry warps moving pixels with Catmull-Rom taps (`CubicTap`) and each look puts part of
/// its fine detail back over it (`Stylizer.coherenceDetailRestore`): anime 0.903, toon 0.887, oil 0.908,
/// sketch 0.853, watercolor 0.877 (restore 0.6; 0.949 at 1), palette 0.877, painting 0.957, neural 1.075. With bilinear taps
/// everywhere and the old restore anime was 0.842, toon 0.816, sketch 0.794, palette 0.793 (fails here).
@Test func coherenceKeepsMovingSubjectsSharp() throws {
    let frames = try clipFrames("bikes.mp4", count: 6)
    let coffee = RGBPlanes.from(try ImageFile.read(Media.url("coffee.png")))
    for style in Style.allCases {
        // Both sides steady the learned looks' texture (a per-frame filter, see LearnedSteadying), so
        // this measures what the coherence carry itself smears.
        let settings = StyleSettings(style: style, styleImage: style == .neural ? coffee : nil)
        let perFrame = TemporalCoherence(stylizer: try settings.makeStylizer(), parameters: CoherenceParameters(coherence: 0))
        let coherent = TemporalCoherence(stylizer: try settings.makeStylizer(), parameters: CoherenceParameters())
        var metric = GhostingMetric()
        for f in frames { metric.add(original: f, perFrame: perFrame.process(f), coherent: coherent.process(f)) }
        print(String(format: "ghosting %@: gradient energy coherent/per-frame %.3f on %d moving pixels, %.3f on static ones",
                     style.rawValue, metric.ratio, metric.movingPixels, metric.staticRatio))
        #expect(metric.movingPixels > 1000)
        #expect(metric.ratio >= 0.85, "\(style) smears moving subjects: \(metric.ratio)")
    }
}
