import Imaging

extension FlowField {
    /// Creates a field from planar components.
    public init(u: Plane, v: Plane) {
        precondition(u.width == v.width && u.height == v.height, "u and v sizes differ")
        self.width = u.width
        self.height = u.height
        self.u = u.data
        self.v = v.data
    }

    /// The horizontal component as a plane.
    public var uPlane: Plane { Plane(width: width, height: height, data: u) }
    /// The vertical component as a plane.
    public var vPlane: Plane { Plane(width: width, height: height, data: v) }

    /// Resamples the field to another size, scaling the vectors with the image
    /// (bilinear), so a flow computed at ¼ resolution can drive a full-size warp.
    public func resized(width ow: Int, height oh: Int) -> FlowField {
        if ow == width && oh == height { return self }
        let sx = Float(ow) / Float(width), sy = Float(oh) / Float(height)
        return FlowField(u: uPlane.resized(width: ow, height: oh).map { $0 * sx },
                         v: vPlane.resized(width: ow, height: oh).map { $0 * sy })
    }

    /// Mean end-point error against `truth` over pixels at least `margin` pixels from every border.
    public func endPointError(against truth: FlowField, margin: Int = 0) -> Float {
        precondition(truth.width == width && truth.height == height, "size mismatch")
        var sum: Double = 0, n = 0
        for y in margin..<max(margin, height - margin) {
            for x in margin..<max(margin, width - margin) {
                let i = y * width + x
                let du = u[i] - truth.u[i], dv = v[i] - truth.v[i]
                sum += Double((du * du + dv * dv).squareRoot()); n += 1
            }
        }
        return n == 0 ? 0 : Float(sum / Double(n))
    }
}

/// Backward warping: `out(x) = src(x + w(x))`, bilinear, border-clamped.
///
/// With `w` the flow from frame A to frame B (A(x) ≈ B(x + w(x))), warping B
/// gives an image aligned with A.
public enum Warp {
    /// Warps one plane. The flow must have the plane's size.
    public static func backward(_ src: Plane, flow: FlowField) -> Plane {
        precondition(src.width == flow.width && src.height == flow.height, "flow size must match the plane")
        let w = src.width, h = src.height
        var out = Plane(uninitializedWidth: w, height: h)
        src.data.withUnsafeBufferPointer { s in flow.u.withUnsafeBufferPointer { up in flow.v.withUnsafeBufferPointer { vp in
            out.data.withUnsafeMutableBufferPointer { d in
                let sp = s.baseAddress!, dst = d.baseAddress!
                parallelChunks(h, minChunk: 16) { rows in
                    for y in rows {
                        for x in 0..<w {
                            let i = y * w + x
                            dst[i] = bilinear(sp, w, h, Float(x) + up[i], Float(y) + vp[i])
                        }
                    }
                }
            }
        }}}
        return out
    }

    /// Warps several same-size planes with one flow.
    public static func backward(_ planes: [Plane], flow: FlowField) -> [Plane] {
        planes.map { backward($0, flow: flow) }
    }

    /// Warps an interleaved image (any channel count).
    public static func backward(_ image: Image, flow: FlowField) -> Image {
        Plane.image(from: backward(Plane.planes(of: image), flow: flow))
    }
}
