/// Flow's shorthands for 8-lane rows (the loads and stores themselves are Imaging's `load8`/`store8`).
typealias F8 = SIMD8<Float>

/// Lane offsets 0…7 as floats (x coordinates of a row chunk relative to its start).
let laneOffsets = F8(0, 1, 2, 3, 4, 5, 6, 7)
