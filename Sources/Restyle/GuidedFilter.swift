import Imaging
import Flow

/// Edge-preserving smoothing by the guided filter (He, Sun, Tang 2010), grey guide, O(1) per pixel.
///
/// Each output is a local linear function of the guide, q = a·I + b, fitted in
/// (2r+1)² windows with regulariser `eps` (on 0…1 intensities, eps = 0.01 keeps
/// edges with contrast above ~0.1 and flattens the rest).
public enum GuidedFilter {
    /// Filters every plane of `src` guided by `guide`.
    public static func apply(guide: Plane, _ src: [Plane], radius: Int, eps: Float) -> [Plane] {
        let (meanI, corrI) = guideMoments(guide, radius: radius)
        return src.map { p in
            let (ma, mb) = coefficients(guide: guide, meanI: meanI, corrI: corrI, p, radius: radius, eps: eps)
            return combine(ma, mb, guide)
        }
    }

    /// Guided upsampling (after He and Sun 2015, "Fast guided filter"): each plane of `src` is fitted as a local
    /// linear function a·I + b of `guide` (both at the low size); the fit with a and b upsampled bilinearly is
    /// applied to `target`, the guide at the full size, and what the fit missed (the plane's own texture) is
    /// added back, upsampled bilinearly. Edges of the result sit where `target` has them.
    static func upsample(guide: Plane, _ src: [Plane], to target: Plane, radius: Int, eps: Float) -> [Plane] {
        let (meanI, corrI) = guideMoments(guide, radius: radius)
        let w = target.width, h = target.height
        return src.map { p in
            let (ma, mb) = coefficients(guide: guide, meanI: meanI, corrI: corrI, p, radius: radius, eps: eps)
            let missed = zip2(p, combine(ma, mb, guide), { $0 - $1 }, { $0 - $1 }).resized(width: w, height: h)
            let fit = combine(ma.resized(width: w, height: h), mb.resized(width: w, height: h), target)
            return zip2(fit, missed, { $0 + $1 }, { $0 + $1 })
        }
    }

    /// Box means of the guide and of its square.
    private static func guideMoments(_ guide: Plane, radius: Int) -> (Plane, Plane) {
        (guide.boxFiltered(radius: radius), guide.map { $0 * $0 }.boxFiltered(radius: radius))
    }

    /// The box-averaged coefficients a, b of q = a·I + b for one plane.
    private static func coefficients(guide: Plane, meanI: Plane, corrI: Plane, _ p: Plane, radius: Int,
                                     eps: Float) -> (Plane, Plane) {
        let w = guide.width, h = guide.height, n = guide.count
        let ip = zip2(guide, p, { $0 * $1 }, { $0 * $1 })
        let meanP = p.boxFiltered(radius: radius), corrIP = ip.boxFiltered(radius: radius)
        var a = Plane(width: w, height: h), b = a
        withPointers4(meanI, corrI, meanP, corrIP) { mi, ci, mp, cip in
            a.data.withUnsafeMutableBufferPointer { pa in b.data.withUnsafeMutableBufferPointer { pb in
                let qa = pa.baseAddress!, qb = pb.baseAddress!
                forEachChunk(n / 8, minChunk: 1024) { r in
                    for c in r {
                        let i = 8 * c, m = load8(mi, i), p = load8(mp, i)
                        let ai = (load8(cip, i) - m * p) / ((load8(ci, i) - m * m) + eps)
                        store8(qa, i, ai); store8(qb, i, p - ai * m)
                    }
                }
                for i in (n / 8 * 8)..<n {
                    let varI = ci[i] - mi[i] * mi[i]
                    let cov = cip[i] - mi[i] * mp[i]
                    let ai = cov / (varI + eps)
                    pa[i] = ai; pb[i] = mp[i] - ai * mi[i]
                }
            }}
        }
        return (a.boxFiltered(radius: radius), b.boxFiltered(radius: radius))
    }

    /// q = a·I + b, pixel by pixel (all three the same size).
    private static func combine(_ ma: Plane, _ mb: Plane, _ guide: Plane) -> Plane {
        let n = guide.count
        var q = Plane(width: guide.width, height: guide.height)
        withPointers4(ma, mb, guide, guide) { pa, pb, g, _ in
            q.data.withUnsafeMutableBufferPointer { pq in
                let q = pq.baseAddress!
                forEachChunk(n / 8, minChunk: 1024) { r in
                    for c in r { let i = 8 * c; store8(q, i, load8(pa, i) * load8(g, i) + load8(pb, i)) }
                }
                for i in (n / 8 * 8)..<n { pq[i] = pa[i] * g[i] + pb[i] }
            }
        }
        return q
    }

    /// One self-guided pass over a luma plane with a radius scaled for the frame (`SmallFrames`): the
    /// lightly smoothed luma the looks draw their lines on, which keeps low-contrast eyes and mouths
    /// that the looks' flattening smoothing removes.
    static func lineLuma(_ luma: Plane, radius: Int, eps: Float) -> Plane {
        let r = SmallFrames.scaled(radius, [luma])
        return apply(guide: luma, [luma], radius: r, eps: eps)[0]
    }

    /// Iterated self-guided smoothing of RGB planes (guide: their luma, recomputed each pass).
    public static func smooth(_ rgb: [Plane], radius: Int, eps: Float, iterations: Int) -> [Plane] {
        var p = rgb
        for _ in 0..<iterations { p = apply(guide: RGBPlanes.luma(p), p, radius: radius, eps: eps) }
        return p
    }
}

/// Extended difference of Gaussians line art (Winnemöller, Kyprianidis, Olsen 2012).
///
/// D = G_σ ∗ L − τ·G_kσ ∗ L; the output is 1 (paper) where D ≥ ε and
/// 1 + tanh(φ·(D − ε)) (ink) below, so thin dark lines follow luminance edges.
public struct XDoG: Sendable, Equatable {
    /// σ of the inner Gaussian, pixels.
    public var sigma: Float = 0.9
    /// Ratio of the outer to the inner σ.
    public var k: Float = 1.6
    /// τ: weight of the outer Gaussian (just below 1 keeps flat areas white).
    public var tau: Float = 0.985
    /// ε: threshold on D.
    public var epsilon: Float = -0.004
    /// φ: steepness of the ink ramp.
    public var phi: Float = 120

    /// Creates the operator with the defaults above.
    public init() {}

    /// Line map in 0…1 (1 = no line) of a luma plane in 0…1.
    public func lines(_ luma: Plane) -> Plane {
        let g1 = luma.gaussianBlurred(sigma: sigma), g2 = luma.gaussianBlurred(sigma: sigma * k)
        let t = tau, e = epsilon, ph = phi
        return zip2(g1, g2, { a, b in
            let d = a - t * b
            return pointwiseMax(.zero, 1 + tanh8(ph * (d - e))).replacing(with: 1, where: d .>= e)
        }, { a, b in
            let d = a - t * b
            return d >= e ? 1 : max(0, 1 + tanhf(ph * (d - e)))
        })
    }
}

@inline(__always) func tanhf(_ x: Float) -> Float {
    // Rational approximation, |error| < 2e-4 on the whole line; cheaper than Foundation's tanh.
    if x > 4.97 { return 1 }
    if x < -4.97 { return -1 }
    let x2 = x * x
    let a = x * (135135 + x2 * (17325 + x2 * (378 + x2)))
    let b = 135135 + x2 * (62370 + x2 * (3150 + x2 * 28))
    return a / b
}

/// `tanhf` on eight lanes (same rational approximation and clamping).
@inline(__always) func tanh8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let x2 = x * x
    let a = x * (135135 + x2 * (17325 + x2 * (378 + x2)))
    let b = 135135 + x2 * (62370 + x2 * (3150 + x2 * 28))
    return (a / b).replacing(with: 1, where: x .> 4.97).replacing(with: -1, where: x .< -4.97)
}

/// Nearest integer of |v| < 2²² (ties to even; `rounded()` takes ties away from zero).
@inline(__always) func roundedToNearest(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let magic = SIMD8<Float>(repeating: 8_388_608)
    return (v + magic) - magic
}

/// Elementwise combination of two same-size planes, in parallel: `f8` on eight samples at a time,
/// `f` on the tail (both must compute the same function).
func zip2(_ a: Plane, _ b: Plane, _ f8: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, _ f: (Float, Float) -> Float) -> Plane {
    var out = Plane(uninitializedWidth: a.width, height: a.height)
    let n = a.count
    a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in
        out.data.withUnsafeMutableBufferPointer { po in
            let x = pa.baseAddress!, y = pb.baseAddress!, o = po.baseAddress!
            forEachChunk(n / 8, minChunk: 1024) { r in
                for c in r { store8(o, 8 * c, f8(load8(x, 8 * c), load8(y, 8 * c))) }
            }
            for i in (n / 8 * 8)..<n { o[i] = f(x[i], y[i]) }
        }
    }}
    return out
}

/// Lends four planes' base pointers.
func withPointers4<R>(_ a: Plane, _ b: Plane, _ c: Plane, _ d: Plane,
                      _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>) -> R) -> R {
    a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in
        c.data.withUnsafeBufferPointer { pc in d.data.withUnsafeBufferPointer { pd in
            body(pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, pd.baseAddress!)
        }}
    }}
}
