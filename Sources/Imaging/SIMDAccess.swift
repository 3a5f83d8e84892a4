/// Unaligned 8-lane loads and stores on raw float rows.
///
/// The hot loops work on raw pointers; the compiler cannot prove those rows do not alias,
/// so it will not vectorise them itself. These helpers let a loop say it explicitly; they are
/// public so the stylisers (Restyle) write their row loops the same way.
typealias F8 = SIMD8<Float>

/// Eight floats from `p + k` (no alignment needed).
@inlinable @inline(__always)
public func load8(_ p: UnsafePointer<Float>, _ k: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
}

/// Eight floats from `p + k` (no alignment needed).
@inlinable @inline(__always)
public func load8(_ p: UnsafeMutablePointer<Float>, _ k: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
}

/// Stores eight floats at `p + k` (no alignment needed).
@inlinable @inline(__always)
public func store8(_ p: UnsafeMutablePointer<Float>, _ k: Int, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p + k).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Lane offsets 0…7 as floats (x coordinates of a row chunk relative to its start).
let laneOffsets = F8(0, 1, 2, 3, 4, 5, 6, 7)
