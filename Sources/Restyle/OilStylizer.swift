import Foundation
import Flow

/// Parameters of the oil look (anisotropic Kuwahara filter with box sectors).
public struct OilParameters: Sendable, Equatable {
    /// Filter radius in working pixels (the ellipse's mean semi-axis).
    public var radius: Float = 6
    /// Sharpness q of the sector weighting 1 / (1 + (255·σ²)^(q/2)).
    public var q: Float = 8
    /// α: how strongly anisotropy stretches the ellipse (smaller = more elongated).
    public var alpha: Float = 1
    /// σ of the Gaussian that smooths the structure tensor.
    public var tensorSigma: Float = 2
    /// Chroma gain applied after filtering (oil paint reads more saturated than footage).
    public var saturation: Float = 1.25

    /// Creates the defaults listed above.
    public init() {}
}

/// Oil paint: an anisotropic Kuwahara filter (after Kyprianidis, Kang, Döllner 2009). The
/// kernel is an ellipse aligned with the local edge direction from the smoothed structure
/// tensor, with 8 sectors; each output is the mean of the sectors weighted towards the
/// least-varying ones, which gives flat strokes that follow the image's edges. Sector
/// statistics are box means (see `stylize`), so the cost does not grow with the radius.
/// Works at half size.
public struct OilStylizer: Stylizer {
    /// Detail put back over the coherence carry (measured on bikes / bigbuckbunny; see the README).
    public var coherenceDetailRestore: Float { 0.2 }
    /// 5×5 box: measured better than 3×3 for this look.
    public var coherenceDetailRadius: Int { 2 }
    /// The look's parameters.
    public var parameters: OilParameters
    /// Face-sized strokes inside faces (nil: the frame's radius everywhere).
    var faceDetail: FaceDetail?
    /// Processed at half size (frames of 640 pixels and more).
    public var reduction: Int { 2 }
    /// Small frames (long side under 640) are processed at full size, so faces keep their pixels.
    public func reduction(forWidth width: Int, height: Int) -> Int { SmallFrames.reduction(width, height) }

    /// Creates the styliser.
    public init(parameters: OilParameters = OilParameters()) { self.parameters = parameters }

    /// Creates the styliser with face-sized strokes from Kinema's BlazeFace: a face 45 pixels wide in a
    /// 176×144 frame lost its eyes and mouth under the frame's radius (3.3 px), and dlib found it in 4 of 6 frames.
    /// - Throws: the face detector's model-loading errors.
    public init(parameters: OilParameters = OilParameters(), faceSized: Bool) throws {
        self.parameters = parameters
        if faceSized { faceDetail = try FaceDetail() }
    }

    /// Scale of a sector's luma variance before the q-th power: a box's variance runs lower than
    /// the Gaussian-weighted sector's it stands for, and a sharper choice of the flattest sector
    /// keeps eyes and mouths, so this is 10 000 rather than the sector filter's 255·3.
    static let varianceScale: Float = 10_000
    /// Half-width of the box that stands for one sector, as a fraction of the radius.
    static let boxFraction: Float = 0.2
    /// Distance of a sector's box centre from the pixel, as a fraction of the ellipse's semi-axes:
    /// 0.6 on frames at the tuned size, 0.5 on small ones (radius scale ≤ 0.6). Further out the
    /// boxes overlap less and the look is steadier under coherence (bikes E_warp coherent/per-frame
    /// 0.39 at 0.6, 0.62 at 0.5); nearer in, small faces keep their eyes (OpenCV Haar on 176×144
    /// photos, scripts/face-survival.py: 9 of 9 at 0.5, 7 of 9 at 0.6).
    static func offsetFraction(scale: Float) -> Float { 0.5 + 0.1 * min(max((scale - 0.6) / 0.4, 0), 1) }

    /// σ of the blur below which a face's own detail is laid back over its strokes (working pixels).
    /// On 176×144 downscales of three real talking heads, dlib's HOG found the oiled face in 1–4 of 6
    /// frames of one of them without it (face 45 px wide), 6 of 6 on all with it.
    static let faceDetailSigma: Float = 2

    /// Local orientation: (cos φ, sin φ) of the edge tangent and anisotropy A in 0…1, per pixel.
    static func orientation(_ rgb: [Plane], sigma: Float) -> (cos: Plane, sin: Plane, aniso: Plane) {
        let w = rgb[0].width, h = rgb[0].height, n = w * h
        var e = Plane(width: w, height: h), f = e, g = e
        for p in rgb {
            let (gx, gy) = p.gradients()
            for i in 0..<n {
                e.data[i] += gx.data[i] * gx.data[i]
                f.data[i] += gx.data[i] * gy.data[i]
                g.data[i] += gy.data[i] * gy.data[i]
            }
        }
        e = e.gaussianBlurred(sigma: sigma); f = f.gaussianBlurred(sigma: sigma); g = g.gaussianBlurred(sigma: sigma)
        var c = Plane(width: w, height: h), s = c, a = c
        for i in 0..<n {
            let E = e.data[i], F = f.data[i], G = g.data[i]
            let root = ((E - G) * (E - G) + 4 * F * F).squareRoot()
            let l1 = 0.5 * (E + G + root), l2 = 0.5 * (E + G - root)
            var tx = l1 - E, ty = -F
            let len = (tx * tx + ty * ty).squareRoot()
            if len > 1e-12 { tx /= len; ty /= len } else { tx = 1; ty = 0 }
            c.data[i] = tx; s.data[i] = ty
            a.data[i] = l1 + l2 > 1e-12 ? (l1 - l2) / (l1 + l2) : 0
        }
        return (c, s, a)
    }

    /// Stylises one frame.
    ///
    /// Sector statistics come from box means rather than per-pixel kernel sums: the planes R, G, B,
    /// luma and luma² are box-filtered once (running sums, cost independent of the radius), and each
    /// pixel reads them, bilinearly, at 8 points around it on its oriented ellipse (sector k at angle
    /// k·45°, `offsetFraction` of the way out, stretched by the anisotropy). The sector mean is the box mean there and
    /// its variance E[l²] − E[l]²; sectors are weighted 1 / (1 + (s·σ²)^(q/2)) with s = `varianceScale`. This
    /// is the generalised Kuwahara filter with box sectors: about 40× cheaper at radius 6 than
    /// summing the 8 polynomial-weighted sectors over the ellipse, and the look (flat strokes that
    /// follow edges, edges kept) is the same family.
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let scale = SmallFrames.scale(rgb), offset = Self.offsetFraction(scale: scale)
        let radius = max(2, parameters.radius * scale)
        var strokes = kuwahara(rgb, radius: radius, offset: offset)
        if let faceDetail {
            strokes = faceDetail.refining(strokes, original: rgb) { crop, faceWidth in
                // Even at a face-sized radius the sector boxes (3×3 at least) erase features 2–3 pixels
                // tall, so the face's own fine detail (above a σ = 2 blur) is laid back over the strokes.
                let painted = kuwahara(crop, radius: min(radius, max(1.5, faceWidth / FaceDetail.divisor)), offset: offset)
                return zip(painted, crop).map { stroke, c in
                    let soft = c.gaussianBlurred(sigma: Self.faceDetailSigma)
                    var o = stroke
                    for i in o.data.indices { o.data[i] += c.data[i] - soft.data[i] }
                    return o
                }
            }
        }
        let sat = parameters.saturation
        return mapRGB(strokes) { r, g, b, _ in
            let l = 0.299 * r + 0.587 * g + 0.114 * b
            return (l + sat * (r - l), l + sat * (g - l), l + sat * (b - l))
        }
    }

    /// The generalised Kuwahara filter with box sectors at `radius` (working pixels), sector boxes
    /// `offset` of the way out on the oriented ellipse.
    func kuwahara(_ rgb: [Plane], radius: Float, offset: Float) -> [Plane] {
        let p = parameters
        let w = rgb[0].width, h = rgb[0].height, n = w * h
        let (cosP, sinP, aniso) = Self.orientation(rgb, sigma: p.tensorSigma)
        let alpha = p.alpha, halfQ = p.q / 2
        let boxRadius = max(1, Int((radius * Self.boxFraction).rounded()))
        // Box means of r, g, b, l, l², interleaved so one bilinear tap reads all five.
        var lum = Plane(uninitializedWidth: w, height: h), lum2 = lum
        for i in 0..<n {
            let l = 0.299 * rgb[0].data[i] + 0.587 * rgb[1].data[i] + 0.114 * rgb[2].data[i]
            lum.data[i] = l; lum2.data[i] = l * l
        }
        let means = [rgb[0], rgb[1], rgb[2], lum, lum2].map { $0.boxFiltered(radius: boxRadius) }
        var packed = [SIMD8<Float>](repeating: .zero, count: n)
        for i in 0..<n {
            packed[i] = SIMD8(means[0].data[i], means[1].data[i], means[2].data[i], means[3].data[i],
                              means[4].data[i], 0, 0, 0)
        }
        // Offsets of the 8 sectors in the ellipse's frame (unit semi-axes).
        let dirs = (0..<8).map { k in
            (offset * cos(Float(k) * .pi / 4), offset * sin(Float(k) * .pi / 4))
        }
        var o0 = Plane(uninitializedWidth: w, height: h), o1 = o0, o2 = o0
        let fw = Float(w - 1), fh = Float(h - 1)
        packed.withUnsafeBufferPointer { P in
        o0.data.withUnsafeMutableBufferPointer { OR in o1.data.withUnsafeMutableBufferPointer { OG in
        o2.data.withUnsafeMutableBufferPointer { OB in
            let pk = P.baseAddress!, qr = OR.baseAddress!, qg = OG.baseAddress!, qb = OB.baseAddress!
            forEachChunk(h, minChunk: 4) { rows in
                for y in rows {
                    for x in 0..<w {
                        let i = y * w + x
                        let A = aniso.data[i], cp = cosP.data[i], sp = sinP.data[i]
                        let a = radius * min(max((alpha + A) / alpha, 0.1), 2)
                        let b = radius * min(max(alpha / (alpha + A), 0.1), 2)
                        var acc = SIMD4<Float>.zero, ow: Float = 0
                        for (u, v) in dirs {
                            let sx = min(max(Float(x) + a * u * cp - b * v * sp, 0), fw)
                            let sy = min(max(Float(y) + a * u * sp + b * v * cp, 0), fh)
                            let x0 = Int(sx), y0 = Int(sy)
                            let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
                            let tx = sx - Float(x0), ty = sy - Float(y0)
                            let top = pk[y0 * w + x0] + tx * (pk[y0 * w + x1] - pk[y0 * w + x0])
                            let bot = pk[y1 * w + x0] + tx * (pk[y1 * w + x1] - pk[y1 * w + x0])
                            let m = top + ty * (bot - top)
                            let t = Self.varianceScale * max(0, m[4] - m[3] * m[3])
                            let t2 = t * t
                            let weight = 1 / (1 + (halfQ == 4 ? t2 * t2 : powf(t, halfQ)))
                            acc += weight * SIMD4(m[0], m[1], m[2], 0)
                            ow += weight
                        }
                        acc /= ow
                        qr[i] = acc[0]; qg[i] = acc[1]; qb[i] = acc[2]
                    }
                }
            }
        }}}}
        return [o0, o1, o2]
    }
}
