import Foundation
import Imaging
import Testing
import VideoIO
@testable import Faces

/// Degraded variants of a real face clip (the first frames of clips/face.mp4) and a real source
/// person from another photo (dlib's John Shimkus, clips/john-shimkus-1.png), made in the test so
/// no extra clip is committed: the frames downscaled to 176×144 and side-lit, and a blue disc that
/// slides across the mouth.
enum SwapDegradedMedia {
    static let frameCount = 16
    static let sourcePhoto = SwapMedia.clip("john-shimkus-1.png")
    static let source = Result { try SourceFace.detect(in: ImageFile.read(sourcePhoto), using: SwapMedia.mesh.get()) }
    static let clean = Result { Array(try SwapMedia.frames(SwapMedia.clip("face.mp4")).prefix(frameCount)) }
    static let cleanLandmarks = Result { try SwapMedia.landmarks(clean.get()) }

    /// The occluder's disc per frame: centre and radius, from the clean frames' mouth (landmark 13).
    static func discs() throws -> [(x: Float, y: Float, r: Float)] {
        try cleanLandmarks.get().enumerated().map { i, lm in
            let p = try #require(lm)
            let iod = SwapMedia.iodOf(p)
            let t = sin(2 * Float.pi * Float(i) / Float(frameCount))
            return (p[13].x + t * 0.5 * iod, p[13].y + 0.1 * iod, 0.38 * iod)
        }
    }

    /// The clean frames with an opaque blue disc drawn over the mouth.
    static let occluded = Result {
        let d = try discs()
        return try clean.get().enumerated().map { i, f in
            var g = f
            for y in 0..<g.height { for x in 0..<g.width where inDisc(x, y, d[i], shrink: 0) {
                let o = (y * g.width + x) * 3
                g.data[o] = 40; g.data[o + 1] = 70; g.data[o + 2] = 210
            } }
            return g
        }
    }

    static func inDisc(_ x: Int, _ y: Int, _ d: (x: Float, y: Float, r: Float), shrink: Float) -> Bool {
        let dx = Float(x) - d.x, dy = Float(y) - d.y, r = d.r - shrink
        return dx * dx + dy * dy <= r * r
    }

    /// The clean frames cropped to 11:9, scaled to 176×144 (area filter) and lit from the right:
    /// brightness ramps from 0.35× on the left edge to 1.25× on the right.
    static let smallSideLit = Result {
        try clean.get().map { f in
            let ch = f.width * 144 / 176
            let crop = f.cropped(x: 0, y: (f.height - ch) / 2, width: f.width, height: ch)
            var g = crop.resized(width: 176, height: 144, filter: .area)
            for y in 0..<144 { for x in 0..<176 {
                let k = 0.35 + 0.9 * Float(x) / 175
                for c in 0..<3 { let o = (y * 176 + x) * 3 + c; g.data[o] = UInt8(min(255, Float(g.data[o]) * k + 0.5)) }
            } }
            return g
        }
    }

    /// The discs of `discs()` on the 176×144 frames of `smallSideLit` (same crop and scale).
    static func smallDiscs() throws -> [(x: Float, y: Float, r: Float)] {
        let c = try clean.get()[0]
        let k = Float(176) / Float(c.width), y0 = Float((c.height - c.width * 144 / 176) / 2)
        return try discs().map { d in (x: (d.x + 0.5) * k - 0.5, y: (d.y - y0 + 0.5) * k - 0.5, r: d.r * k) }
    }

    /// `frames` with an opaque disc of colour `rgb` drawn at each frame's disc.
    static func painted(_ frames: [ByteImage], discs: [(x: Float, y: Float, r: Float)], rgb: (UInt8, UInt8, UInt8)) -> [ByteImage] {
        frames.enumerated().map { i, f in
            var g = f
            for y in 0..<g.height { for x in 0..<g.width where inDisc(x, y, discs[i], shrink: 0) {
                let o = (y * g.width + x) * 3
                g.data[o] = rgb.0; g.data[o + 1] = rgb.1; g.data[o + 2] = rgb.2
            } }
            return g
        }
    }

    /// `frames` (176×144) with the object `rgb` (coverage `alpha`, 0...1) laid over the mouth of each frame's face
    /// (`landmarks`), sliding ±0.5 IOD sideways once over the frames as the disc does; returns the frames and each
    /// frame's object coverage.
    static func slid(_ frames: [ByteImage], landmarks: [[SIMD3<Float>]], rgb: ByteImage, alpha: [Float]) -> ([ByteImage], [[Float]]) {
        var out: [ByteImage] = [], covers: [[Float]] = []
        for (i, f) in frames.enumerated() {
            let iod = SwapMedia.iodOf(landmarks[i])
            let t = sin(2 * Float.pi * Float(i) / Float(frames.count))
            let ox = Int((landmarks[i][13].x + t * 0.5 * iod).rounded()) - rgb.width / 2
            let oy = Int((landmarks[i][13].y + 0.1 * iod).rounded()) - rgb.height / 2
            var g = f, cover = [Float](repeating: 0, count: 176 * 144)
            for y in 0..<rgb.height { for x in 0..<rgb.width {
                let fx = ox + x, fy = oy + y, a = alpha[y * rgb.width + x]
                guard fx >= 0, fy >= 0, fx < 176, fy < 144, a > 0 else { continue }
                for c in 0..<3 {
                    let o = (fy * 176 + fx) * 3 + c
                    let under = Float(g.data[o]), over = Float(rgb.data[(y * rgb.width + x) * 3 + c])
                    g.data[o] = UInt8((under + (over - under) * a).rounded())
                }
                cover[fy * 176 + fx] = a
            } }
            out.append(g); covers.append(cover)
        }
        return (out, covers)
    }

    /// Swaps the source onto `frames` with `config`; returns the output frames in order.
    static func swap(_ frames: [ByteImage], config: FaceSwapConfig = FaceSwapConfig()) throws -> [ByteImage] {
        let s = FaceSwapSession(source: try source.get(), landmarks: try SwapMedia.mesh.get(), config: config, fps: 25)
        var out: [SwappedFrame] = []
        for (i, f) in frames.enumerated() { out += try s.push(f, index: i) }
        out += try s.finish()
        return out.sorted { $0.report.index < $1.report.index }.map(\.image)
    }

    /// The skin region of a face: the oval shrunk to 85 %, without eyes and lips (1-channel, frame size).
    static func skinMask(_ lm: [SIMD3<Float>], width: Int, height: Int) -> Image {
        let r = PixelRect(x: 0, y: 0, width: width, height: height)
        var m = Image(width: width, height: height, channels: 1)
        FaceMasks.fill(&m, polygon: FaceMasks.polygon(lm, CanonicalFace.oval, scale: 0.85, origin: r), value: 1)
        FaceMasks.fill(&m, polygon: FaceMasks.polygon(lm, CanonicalFace.outerLips, scale: 1.3, origin: r), value: 0)
        FaceMasks.fill(&m, polygon: FaceMasks.polygon(lm, CanonicalFace.rightEye, scale: 1.8, origin: r), value: 0)
        FaceMasks.fill(&m, polygon: FaceMasks.polygon(lm, CanonicalFace.leftEye, scale: 1.8, origin: r), value: 0)
        return m
    }

    /// Patch check between a swapped frame and its target inside `mask`: Lab lightness and chroma
    /// of both, blurred over 0.1 IOD (patch scale), compared pixel by pixel. Returns the fraction of
    /// skin pixels that are a dark patch (output L more than 20 below the target's) and the ratio
    /// of the output's mean chroma to the target's (grey patches pull it down).
    static func patches(output: ByteImage, target: ByteImage, mask: Image, iod: Float) -> (dark: Float, chroma: Float) {
        let sigma = max(1, 0.1 * iod)
        let lo = Image(output).gaussianBlurred(sigma: sigma).toLab(), lt = Image(target).gaussianBlurred(sigma: sigma).toLab()
        var dark = 0, n = 0
        var co: Float = 0, ct: Float = 0
        for p in 0..<(mask.width * mask.height) where mask.data[p] > 0.5 {
            n += 1
            if lo.data[3 * p] < lt.data[3 * p] - 20 { dark += 1 }
            co += (lo.data[3 * p + 1] * lo.data[3 * p + 1] + lo.data[3 * p + 2] * lo.data[3 * p + 2]).squareRoot()
            ct += (lt.data[3 * p + 1] * lt.data[3 * p + 1] + lt.data[3 * p + 2] * lt.data[3 * p + 2]).squareRoot()
        }
        return (n > 0 ? Float(dark) / Float(n) : 1, ct > 0 ? co / ct : 0)
    }

    /// Mean absolute difference, in levels, over the pixels where `inside(x, y)` holds.
    static func meanChange(_ a: ByteImage, _ b: ByteImage, _ inside: (Int, Int) -> Bool) -> Float {
        var s = 0, n = 0
        for y in 0..<a.height { for x in 0..<a.width where inside(x, y) {
            for c in 0..<3 { let o = (y * a.width + x) * 3 + c; s += abs(Int(a.data[o]) - Int(b.data[o])) }
            n += 3
        } }
        return n > 0 ? Float(s) / Float(n) : 0
    }
}
