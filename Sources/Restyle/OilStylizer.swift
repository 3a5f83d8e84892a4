import Foundation
import Flow

/// Parameters of the oil look (anisotropic Kuwahara filter).
public struct OilParameters: Sendable, Equatable {
    /// Filter radius in working pixels (the ellipse's mean semi-axis).
    public var radius: Float = 6
    /// Sharpness q of the sector weighting 1 / (1 + (255·σ²)^(q/2)).
    public var q: Float = 8
    /// α: how strongly anisotropy stretches the ellipse (smaller = more elongated).
    public var alpha: Float = 1
    /// σ of the Gaussian that smooths the structure tensor.
    public var tensorSigma: Float = 2
    /// Overlap ζ of the polynomial sector weights.
    public var zeta: Float = 0.33
    /// Chroma gain applied after filtering (oil paint reads more saturated than footage).
    public var saturation: Float = 1.25

    /// Creates the defaults listed above.
    public init() {}
}

/// Oil paint: the anisotropic Kuwahara filter (Kyprianidis, Kang, Döllner 2009) with
/// polynomial sector weights (Kyprianidis 2010). The kernel is an ellipse aligned with
/// the local edge direction from the smoothed structure tensor, split into 8 sectors;
/// each output is the mean of the sectors weighted towards the least-varying ones,
/// which gives flat strokes that follow the image's edges. Works at half size.
public struct OilStylizer: Stylizer {
    /// The look's parameters.
    public var parameters: OilParameters
    /// Processed at half size (frames of 640 pixels and more).
    public var reduction: Int { 2 }
    /// Small frames (long side under 640) are processed at full size, so faces keep their pixels.
    public func reduction(forWidth width: Int, height: Int) -> Int { SmallFrames.reduction(width, height) }

    /// Creates the styliser.
    public init(parameters: OilParameters = OilParameters()) { self.parameters = parameters }

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
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        let p = parameters
        let w = rgb[0].width, h = rgb[0].height
        let (cosP, sinP, aniso) = Self.orientation(rgb, sigma: p.tensorSigma)
        var o0 = Plane(width: w, height: h), o1 = o0, o2 = o0
        let n8 = Float.pi / 8
        let eta = (p.zeta + cos(n8)) / (sin(n8) * sin(n8))
        let zeta = p.zeta, halfQ = p.q / 2, radius = max(2, p.radius * SmallFrames.scale(rgb)), alpha = p.alpha
        let s2 = Float(0.5).squareRoot()
        rgb[0].data.withUnsafeBufferPointer { R in rgb[1].data.withUnsafeBufferPointer { G in rgb[2].data.withUnsafeBufferPointer { B in
        o0.data.withUnsafeMutableBufferPointer { OR in o1.data.withUnsafeMutableBufferPointer { OG in
        o2.data.withUnsafeMutableBufferPointer { OB in
            let pr = R.baseAddress!, pg = G.baseAddress!, pb = B.baseAddress!
            let qr = OR.baseAddress!, qg = OG.baseAddress!, qb = OB.baseAddress!
            forEachChunk(h, minChunk: 4) { rows in
                let acc = UnsafeMutablePointer<Float>.allocate(capacity: 8 * 7)
                defer { acc.deallocate() }
                for y in rows {
                    for x in 0..<w {
                        let i = y * w + x
                        let A = aniso.data[i], cp = cosP.data[i], sp = sinP.data[i]  // array reads, once per pixel
                        let a = radius * min(max((alpha + A) / alpha, 0.1), 2)
                        let b = radius * min(max(alpha / (alpha + A), 0.1), 2)
                        let mx = Int((a * a * cp * cp + b * b * sp * sp).squareRoot())
                        let my = Int((a * a * sp * sp + b * b * cp * cp).squareRoot())
                        acc.update(repeating: 0, count: 8 * 7)
                        let ia = 1 / a, ib = 1 / b
                        for j in -my...my {
                            let yy = min(max(y + j, 0), h - 1) * w
                            let fj = Float(j)
                            for ii in -mx...mx {
                                let fi = Float(ii)
                                let vx = (cp * fi + sp * fj) * ia, vy = (-sp * fi + cp * fj) * ib
                                let r2 = vx * vx + vy * vy
                                if r2 > 1 { continue }
                                let k0 = yy + min(max(x + ii, 0), w - 1)
                                let cr = pr[k0], cg = pg[k0], cb = pb[k0]
                                let lum = 0.299 * cr + 0.587 * cg + 0.114 * cb
                                // Polynomial sector weights: 4 axis-aligned, 4 rotated by 45°.
                                let vxx = zeta - eta * vy * vy, vyy = zeta - eta * vx * vx
                                let ux = s2 * (vx - vy), uy = s2 * (vx + vy)
                                let uxx = zeta - eta * uy * uy, uyy = zeta - eta * ux * ux
                                var w0 = max(0, vy + vyy); w0 *= w0
                                var w2 = max(0, -vx + vxx); w2 *= w2
                                var w4 = max(0, -vy + vyy); w4 *= w4
                                var w6 = max(0, vx + vxx); w6 *= w6
                                var w1 = max(0, uy + uyy); w1 *= w1
                                var w3 = max(0, -ux + uxx); w3 *= w3
                                var w5 = max(0, -uy + uyy); w5 *= w5
                                var w7 = max(0, ux + uxx); w7 *= w7
                                let sum = w0 + w1 + w2 + w3 + w4 + w5 + w6 + w7
                                if sum <= 0 { continue }
                                let gk = expf(-3.125 * r2) / sum
                                let ws = (w0 * gk, w1 * gk, w2 * gk, w3 * gk, w4 * gk, w5 * gk, w6 * gk, w7 * gk)
                                @inline(__always) func add(_ k: Int, _ wt: Float) {
                                    let o = k * 7
                                    acc[o] += wt; acc[o + 1] += wt * cr; acc[o + 2] += wt * cg; acc[o + 3] += wt * cb
                                    acc[o + 4] += wt * lum; acc[o + 5] += wt * lum * lum
                                }
                                add(0, ws.0); add(1, ws.1); add(2, ws.2); add(3, ws.3)
                                add(4, ws.4); add(5, ws.5); add(6, ws.6); add(7, ws.7)
                            }
                        }
                        var or: Float = 0, og: Float = 0, ob: Float = 0, ow: Float = 0
                        for k in 0..<8 {
                            let o = k * 7, wt = acc[o]
                            if wt <= 1e-12 { continue }
                            let inv = 1 / wt
                            let ml = acc[o + 4] * inv
                            let v = max(0, acc[o + 5] * inv - ml * ml) * 3
                            let t = 255 * v
                            let alphaK = 1 / (1 + powf(t, halfQ))
                            or += alphaK * acc[o + 1] * inv; og += alphaK * acc[o + 2] * inv; ob += alphaK * acc[o + 3] * inv
                            ow += alphaK
                        }
                        if ow > 0 { qr[i] = or / ow; qg[i] = og / ow; qb[i] = ob / ow }
                        else { qr[i] = pr[i]; qg[i] = pg[i]; qb[i] = pb[i] }
                    }
                }
            }
        }}}}}}
        let sat = p.saturation
        return mapRGB([o0, o1, o2]) { r, g, b, _ in
            let l = 0.299 * r + 0.587 * g + 0.114 * b
            return (l + sat * (r - l), l + sat * (g - l), l + sat * (b - l))
        }
    }
}
