import Flow

/// Per-channel mean and standard deviation of an image in Lab.
public struct ColorStatistics: Sendable, Equatable {
    /// Means of L, a, b.
    public var mean: SIMD3<Float>
    /// Standard deviations of L, a, b.
    public var std: SIMD3<Float>

    /// Statistics over at most ~16k evenly spaced pixels of RGB planes.
    public init(of rgb: [Plane]) {
        let n = rgb[0].count, step = max(1, n / 16384)
        var s = SIMD3<Double>.zero, s2 = SIMD3<Double>.zero, m = 0
        var i = 0
        while i < n {
            let v = RGBPlanes.lab(SIMD3(rgb[0].data[i], rgb[1].data[i], rgb[2].data[i]))
            let d = SIMD3<Double>(Double(v.x), Double(v.y), Double(v.z))
            s += d; s2 += d * d; m += 1; i += step
        }
        let mu = s / Double(max(m, 1))
        let varr = s2 / Double(max(m, 1)) - mu * mu
        mean = SIMD3(Float(mu.x), Float(mu.y), Float(mu.z))
        std = SIMD3(Float(max(varr.x, 0).squareRoot()), Float(max(varr.y, 0).squareRoot()), Float(max(varr.z, 0).squareRoot()))
    }
}

/// Colour and tone transfer (Reinhard et al. 2001): each Lab channel of the frame is shifted and
/// scaled to the reference's mean and standard deviation, then the wrapped styliser runs.
public struct ColorTransferStylizer: Stylizer {
    /// The reference's statistics.
    public var reference: ColorStatistics
    /// The styliser applied after the transfer.
    public var base: any Stylizer
    /// 0…1: how far to move towards the reference.
    public var strength: Float = 1

    /// Creates the transfer stage.
    public init(reference: ColorStatistics, base: any Stylizer) { self.reference = reference; self.base = base }

    /// Same working size as the wrapped styliser.
    public var reduction: Int { base.reduction }
    /// Same working size as the wrapped styliser.
    public func reduction(forWidth width: Int, height: Int) -> Int { base.reduction(forWidth: width, height: height) }
    /// The wrapped styliser's.
    public var coherenceDetailRestore: Float { base.coherenceDetailRestore }
    /// The wrapped styliser's.
    public var coherenceDetailRadius: Int { base.coherenceDetailRadius }
    /// The wrapped look's.
    public var holdsUnchangedInput: Bool { base.holdsUnchangedInput }

    /// Transfers colour, then stylises.
    public func stylize(_ rgb: [Plane]) -> [Plane] { base.stylize(Self.transfer(rgb, to: reference, strength: strength)) }

    /// The transfer alone.
    public static func transfer(_ rgb: [Plane], to ref: ColorStatistics, strength: Float = 1) -> [Plane] {
        let src = ColorStatistics(of: rgb)
        var scale = SIMD3<Float>(repeating: 1)
        for c in 0..<3 { scale[c] = min(ref.std[c] / max(src.std[c], 1e-3), 4) }
        let lab = RGBPlanes.toLab(rgb)
        let moved = mapRGB(lab) { l, a, b, _ in
            let v = SIMD3(l, a, b)
            let t = (v - src.mean) * scale + ref.mean
            let o = v + strength * (t - v)
            return (min(max(o.x, 0), 100), o.y, o.z)
        }
        return RGBPlanes.fromLab(moved)
    }
}
