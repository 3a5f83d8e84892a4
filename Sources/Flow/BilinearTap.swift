/// Where a bilinear lookup at one position reads, clamped to the border: computed once, it samples
/// any number of planes of the same size at that position (a multi-channel warp pays for the
/// coordinates once).
@frozen public struct BilinearTap {
    /// Index of the top-left tap.
    public let index: Int
    /// Offset to the right-hand tap (0 in the last column).
    public let right: Int
    /// Offset to the lower tap (0 in the last row).
    public let down: Int
    /// Horizontal and vertical fractions.
    public let fx: Float, fy: Float

    /// Taps for position (x, y) on a `width`×`height` plane, clamped to `[0, w-1] × [0, h-1]`
    /// (planes narrower and shorter than 2²² pixels).
    @inlinable @inline(__always)
    public init(x: Float, y: Float, width w: Int, height h: Int) {
        let xc = min(max(x, 0), Float(w - 1))
        let yc = min(max(y, 0), Float(h - 1))
        // floor of a value in [0, 2²²) without Int(Float)'s checks: adding 2²³ rounds it to an
        // integer held in the low mantissa bits; step down when that rounded up.
        var xf = (xc + 8_388_608) - 8_388_608, yf = (yc + 8_388_608) - 8_388_608
        if xf > xc { xf -= 1 }
        if yf > yc { yf -= 1 }
        let x0 = Int((xf + 8_388_608).bitPattern &- 0x4B00_0000), y0 = Int((yf + 8_388_608).bitPattern &- 0x4B00_0000)
        index = y0 &* w &+ x0
        right = x0 &+ 1 < w ? 1 : 0
        down = y0 &+ 1 < h ? w : 0
        fx = xc - xf; fy = yc - yf
    }

    /// The bilinear sample of a plane of the size the taps were made for.
    @inlinable @inline(__always)
    public func sample(_ p: UnsafePointer<Float>) -> Float {
        let r0 = p + index, r1 = r0 + down
        let a = r0[0] + (r0[right] - r0[0]) * fx
        let b = r1[0] + (r1[right] - r1[0]) * fx
        return a + (b - a) * fy
    }
}
