import Foundation

/// A 2-D affine map `x' = a*x + b*y + tx`, `y' = c*x + d*y + ty`.
///
/// Coordinates are pixel coordinates with pixel centres at integers, (0, 0) the
/// centre of the top-left pixel, y pointing down. As a matrix acting on column
/// vectors: `[[a, b, tx], [c, d, ty], [0, 0, 1]]`.
public struct AffineTransform: Sendable, Equatable, CustomStringConvertible {
    /// Row 0, column 0 of the linear part.
    public var a: Float
    /// Row 0, column 1 of the linear part.
    public var b: Float
    /// Row 1, column 0 of the linear part.
    public var c: Float
    /// Row 1, column 1 of the linear part.
    public var d: Float
    /// Translation along x.
    public var tx: Float
    /// Translation along y.
    public var ty: Float

    /// Creates a transform from its six coefficients.
    public init(a: Float, b: Float, c: Float, d: Float, tx: Float, ty: Float) {
        self.a = a; self.b = b; self.c = c; self.d = d; self.tx = tx; self.ty = ty
    }

    /// The identity map.
    public static let identity = AffineTransform(a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0)

    /// A pure translation by (x, y).
    public static func translation(x: Float, y: Float) -> AffineTransform {
        AffineTransform(a: 1, b: 0, c: 0, d: 1, tx: x, ty: y)
    }

    /// A uniform scale about the origin.
    public static func scale(_ s: Float) -> AffineTransform {
        AffineTransform(a: s, b: 0, c: 0, d: s, tx: 0, ty: 0)
    }

    /// An anisotropic scale about the origin.
    public static func scale(x sx: Float, y sy: Float) -> AffineTransform {
        AffineTransform(a: sx, b: 0, c: 0, d: sy, tx: 0, ty: 0)
    }

    /// A rotation by `radians` about the origin. With y pointing down, a positive
    /// angle turns +x towards +y (clockwise on screen).
    public static func rotation(_ radians: Float) -> AffineTransform {
        let cs = cos(radians), sn = sin(radians)
        return AffineTransform(a: cs, b: -sn, c: sn, d: cs, tx: 0, ty: 0)
    }

    /// A rotation by `radians` about the point (cx, cy).
    public static func rotation(_ radians: Float, aboutX cx: Float, y cy: Float) -> AffineTransform {
        translation(x: -cx, y: -cy)
            .concatenating(rotation(radians))
            .concatenating(translation(x: cx, y: cy))
    }

    /// A similarity: scale, then rotate by `rotation` radians, then translate by (tx, ty).
    public static func similarity(scale s: Float, rotation radians: Float, tx: Float, ty: Float) -> AffineTransform {
        let cs = s * cos(radians), sn = s * sin(radians)
        return AffineTransform(a: cs, b: -sn, c: sn, d: cs, tx: tx, ty: ty)
    }

    /// Maps the point (x, y).
    @inlinable
    public func apply(_ x: Float, _ y: Float) -> SIMD2<Float> {
        SIMD2(a * x + b * y + tx, c * x + d * y + ty)
    }

    /// Maps the point `p`.
    @inlinable
    public func apply(_ p: SIMD2<Float>) -> SIMD2<Float> {
        apply(p.x, p.y)
    }

    /// The determinant of the linear part.
    public var determinant: Float { a * d - b * c }

    /// Whether `inverted()` gives a finite transform.
    public var isInvertible: Bool {
        let det = Double(a) * Double(d) - Double(b) * Double(c)
        return det != 0 && det.isFinite
    }

    /// The inverse map. A singular transform (see `isInvertible`) yields NaN
    /// coefficients, which warps treat as "outside the image" everywhere.
    public func inverted() -> AffineTransform {
        // Double keeps round trips tight for transforms with large translations.
        let a = Double(self.a), b = Double(self.b), c = Double(self.c), d = Double(self.d)
        let tx = Double(self.tx), ty = Double(self.ty)
        let det = a * d - b * c
        guard det != 0, det.isFinite else {
            return AffineTransform(a: .nan, b: .nan, c: .nan, d: .nan, tx: .nan, ty: .nan)
        }
        let ia = d / det, ib = -b / det, ic = -c / det, id = a / det
        return AffineTransform(
            a: Float(ia), b: Float(ib), c: Float(ic), d: Float(id),
            tx: Float(-(ia * tx + ib * ty)), ty: Float(-(ic * tx + id * ty)))
    }

    /// The transform that applies `self` first and then `other`
    /// (`result.apply(p) == other.apply(self.apply(p))`), as CoreGraphics does.
    public func concatenating(_ other: AffineTransform) -> AffineTransform {
        AffineTransform(
            a: other.a * a + other.b * c,
            b: other.a * b + other.b * d,
            c: other.c * a + other.d * c,
            d: other.c * b + other.d * d,
            tx: other.a * tx + other.b * ty + other.tx,
            ty: other.c * tx + other.d * ty + other.ty)
    }

    /// A readable form for logs and test failures.
    public var description: String {
        "AffineTransform(a: \(a), b: \(b), c: \(c), d: \(d), tx: \(tx), ty: \(ty))"
    }
}
