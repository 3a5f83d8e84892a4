/// Unaligned 8- and 16-lane loads and stores on raw float rows, for every module's hot loops.
///
/// Those loops work on raw pointers; the compiler cannot prove the rows do not alias, so it will not
/// vectorise them itself. These helpers let a loop say it explicitly. They are `@inlinable`, so a
/// caller in another module compiles them with its own target CPU (one zmm for `SIMD16` on AVX-512).

/// Eight floats from `p + k` (no alignment needed).
@inlinable @inline(__always)
public func load8(_ p: UnsafePointer<Float>, _ k: Int = 0) -> SIMD8<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
}

/// Eight floats from `p + k` (no alignment needed).
@inlinable @inline(__always)
public func load8(_ p: UnsafeMutablePointer<Float>, _ k: Int = 0) -> SIMD8<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
}

/// Stores eight floats at `p + k` (no alignment needed).
@inlinable @inline(__always)
public func store8(_ p: UnsafeMutablePointer<Float>, _ k: Int, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p + k).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Sixteen floats from `p + k` (no alignment needed).
@inlinable @inline(__always)
public func load16(_ p: UnsafePointer<Float>, _ k: Int = 0) -> SIMD16<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD16<Float>.self)
}

/// Sixteen floats from `p + k` (no alignment needed).
@inlinable @inline(__always)
public func load16(_ p: UnsafeMutablePointer<Float>, _ k: Int = 0) -> SIMD16<Float> {
    UnsafeRawPointer(p + k).loadUnaligned(as: SIMD16<Float>.self)
}

/// Stores sixteen floats at `p + k` (no alignment needed).
@inlinable @inline(__always)
public func store16(_ p: UnsafeMutablePointer<Float>, _ k: Int, _ v: SIMD16<Float>) {
    UnsafeMutableRawPointer(p + k).storeBytes(of: v, as: SIMD16<Float>.self)
}
