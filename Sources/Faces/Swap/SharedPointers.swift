/// A mutable pointer handed to `DispatchQueue.concurrentPerform` workers.
/// Invariant (why `@unchecked Sendable` is sound): each worker writes a disjoint set of elements,
/// and the buffer outlives the parallel loop (it is borrowed from an enclosing `withUnsafe…` scope).
struct SharedMutablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ b: UnsafeMutableBufferPointer<T>) { base = b.baseAddress! }
    @inline(__always) subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only pointer shared with parallel workers; the buffer outlives the loop and is not written during it.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    init(_ b: UnsafeBufferPointer<T>) { base = b.baseAddress! }
    @inline(__always) subscript(i: Int) -> T { base[i] }
}

import Dispatch

/// Runs `body(start, end)` over `count` items split into `bands` contiguous ranges on both cores.
@inline(__always) func parallelBands(_ count: Int, bands: Int = 4, _ body: @Sendable (Int, Int) -> Void) {
    let n = max(1, min(bands, count))
    if n == 1 { body(0, count); return }
    DispatchQueue.concurrentPerform(iterations: n) { b in body(b * count / n, (b + 1) * count / n) }
}
