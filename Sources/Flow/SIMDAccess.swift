/// Unaligned 8-lane loads and stores on raw float rows.
///
/// The hot loops work on raw pointers; the compiler cannot prove those rows do not alias,
/// so it will not vectorise them itself. These helpers let a loop say it explicitly.
typealias F8 = SIMD8<Float>

@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ k: Int) -> F8 {
    UnsafeRawPointer(p + k).loadUnaligned(as: F8.self)
}

@inline(__always)
func load8(_ p: UnsafeMutablePointer<Float>, _ k: Int) -> F8 {
    UnsafeRawPointer(p + k).loadUnaligned(as: F8.self)
}

@inline(__always)
func store8(_ p: UnsafeMutablePointer<Float>, _ k: Int, _ v: F8) {
    UnsafeMutableRawPointer(p + k).storeBytes(of: v, as: F8.self)
}

/// Lane offsets 0…7 as floats (x coordinates of a row chunk relative to its start).
let laneOffsets = F8(0, 1, 2, 3, 4, 5, 6, 7)
