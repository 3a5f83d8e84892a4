import Foundation
import Imaging
import Flow
import Testing
@testable import Restyle

@Test func styleNamesParse() {
    #expect(Style(rawValue: "anime") == .anime)
    #expect(Style(rawValue: "dragon") == nil)
}

/// Mean CIE76 ΔE between two same-size RGB byte images.
func meanDeltaE(_ a: ByteImage, _ b: ByteImage) -> Float {
    let la = RGBPlanes.toLab(RGBPlanes.from(a)), lb = RGBPlanes.toLab(RGBPlanes.from(b))
    var s: Double = 0
    for i in 0..<la[0].count {
        let d = SIMD3(la[0].data[i] - lb[0].data[i], la[1].data[i] - lb[1].data[i], la[2].data[i] - lb[2].data[i])
        s += Double((d * d).sum().squareRoot())
    }
    return Float(s / Double(la[0].count))
}

/// Fraction of pixels whose luma gradient magnitude exceeds 0.08 (per pixel, central differences).
func edgeDensity(_ img: ByteImage) -> Float {
    let (gx, gy) = Plane(luminanceOf: img).gradients()
    var n = 0
    for i in 0..<gx.count where gx.data[i] * gx.data[i] + gy.data[i] * gy.data[i] > 0.0064 { n += 1 }
    return Float(n) / Float(gx.count)
}

/// Each look must differ visibly from the footage: mean ΔE (Lab) at least `minDeltaE`, or the edge
/// density changed by at least `minEdgeChange` (relative). Bounds are about 60% of the smaller of
/// the two figures measured on bikes (grey street) and bigbuckbunny (saturated animation).
@Test(arguments: [(Style.anime, 1.6, 0.1), (.toon, 2.5, 0.25), (.oil, 1.0, 0.25), (.sketch, 18.0, 0.5),
                  (.watercolor, 4.0, 0.5), (.palette, 10.0, 0.2)] as [(Style, Float, Float)])
func styleStrength(style: Style, minDeltaE: Float, minEdgeChange: Float) throws {
    for clip in ["bikes.mp4", "bigbuckbunny.mp4"] {
        let f = try clipFrames(clip, count: 1)[0]
        let out = TemporalCoherence(stylizer: try StyleSettings(style: style).makeStylizer(),
                                    parameters: CoherenceParameters(coherence: 0)).process(f)
        let de = meanDeltaE(f, out)
        let e0 = edgeDensity(f), e1 = edgeDensity(out)
        let change = abs(e1 - e0) / max(e0, 1e-3)
        print(String(format: "strength %@ on %@: mean ΔE %.1f (bound %.1f), edge density %.3f → %.3f (change %.2f, bound %.2f)",
                     style.rawValue, clip, de, minDeltaE, e0, e1, change, minEdgeChange))
        #expect(de >= minDeltaE || change >= minEdgeChange, "\(style) on \(clip) too close to the input")
    }
}

@Test func coherenceZeroIsExactlyPerFrame() throws {
    let frames = try clipFrames("bikes.mp4", count: 3)
    let coffee = RGBPlanes.from(try ImageFile_read("coffee.png"))
    for style in Style.allCases where style != .neural {
        let settings = StyleSettings(style: style, styleImage: style == .oil ? coffee : nil)
        let engine = TemporalCoherence(stylizer: try settings.makeStylizer(), parameters: CoherenceParameters(coherence: 0))
        let independent = try settings.makeStylizer()
        for f in frames {
            let expected = RGBPlanes.toBytes(independent.stylize(RGBPlanes.from(f, factor: independent.reduction(forWidth: f.width, height: f.height))),
                                             width: f.width, height: f.height)
            #expect(engine.process(f) == expected, "\(style)")
        }
    }
}

@Test func shotCutResetsBlending() throws {
    let bikes = try clipFrames("bikes.mp4", count: 4)
    let bunny = try clipFrames("bigbuckbunny.mp4", count: 4).map {
        RGBPlanes.toBytes(RGBPlanes.from($0), width: bikes[0].width, height: bikes[0].height)
    }
    let engine = TemporalCoherence(stylizer: try StyleSettings(style: .anime).makeStylizer())
    for f in bikes + bunny { _ = engine.process(f) }
    print("cuts detected: \(engine.report.cuts), mean valid fraction \(engine.report.meanValidFraction)")
    #expect(engine.report.cuts == 1)
    #expect(engine.report.maxAge <= CoherenceParameters().maxCarry + 1e-3)
}

@Test func paletteFromStyleImageAndColourTransfer() throws {
    let coffee = RGBPlanes.from(try ImageFile_read("coffee.png"))
    let palette = Palette(kMeansOf: coffee, count: 8)
    #expect(palette.lab.count == 8)
    let f = try clipFrames("bikes.mp4", count: 1)[0]
    let moved = ColorTransferStylizer.transfer(RGBPlanes.from(f), to: ColorStatistics(of: coffee))
    let got = ColorStatistics(of: moved), want = ColorStatistics(of: coffee)
    print("colour transfer: mean \(got.mean) vs reference \(want.mean); std \(got.std) vs \(want.std)")
    // Lab means within 3 units; L's spread within 25%. Chroma spread is scaled by at most 4× (so
    // near-grey footage is not turned into noise), so a/b spreads only have to move towards the reference.
    let src = ColorStatistics(of: RGBPlanes.from(f))
    for c in 0..<3 { #expect(abs(got.mean[c] - want.mean[c]) < 3) }
    #expect(abs(got.std[0] - want.std[0]) < 0.25 * want.std[0])
    for c in 1..<3 { #expect(abs(got.std[c] - want.std[c]) < abs(src.std[c] - want.std[c])) }
}

/// `neural` runs its transform below the working size and brings the look back with `LearnedFrame.atMost`'s
/// guided upsampling. Given a real photo reduced as that reduces a 640×360 frame (to 420 pixels), the guided
/// upsample must come closer to the full-size photo than plain bilinear upsampling, and keep more of its edges.
@Test func guidedUpsamplingRestoresTheInputsEdges() throws {
    let full = RGBPlanes.from(try ImageFile_read("astronaut.png"))
    let w = full[0].width, h = full[0].height
    let small = full.map { $0.resized(width: w * 420 / 640, height: h * 420 / 640) }
    let bilinear = small.map { $0.resized(width: w, height: h) }
    let guided = LearnedFrame.atMost(w * 420 / 640, full) { _ in small }
    func rmse(_ a: [Plane]) -> Double {
        var s = 0.0
        for c in 0..<3 { for i in 0..<a[c].count { let d = Double(a[c].data[i] - full[c].data[i]); s += d * d } }
        return (s / Double(3 * w * h)).squareRoot()
    }
    func gradientEnergy(_ a: [Plane]) -> Double {
        let g = RGBPlanes.luma(a).gradients()
        return zip(g.dx.data, g.dy.data).reduce(0.0) { $0 + Double($1.0 * $1.0 + $1.1 * $1.1) }
    }
    let e = gradientEnergy(full)
    print("guided upsampling 420/640: RMSE \(rmse(guided)) vs bilinear \(rmse(bilinear)); gradient energy \(gradientEnergy(guided) / e) vs \(gradientEnergy(bilinear) / e) of the photo's")
    #expect(rmse(guided) < 0.5 * rmse(bilinear))
    #expect(gradientEnergy(guided) > 1.3 * gradientEnergy(bilinear))
}
