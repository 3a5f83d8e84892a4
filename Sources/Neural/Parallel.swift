import Dispatch

/// Splits `0..<count` into at most `threads` contiguous chunks and runs `body` on each,
/// concurrently when more than one chunk results. Chunks hold at least `minChunk` items.
/// `body` receives the chunk index (0..<threads, distinct per concurrent call) and its range.
@inline(__always)
func parallelChunks(_ count: Int, threads: Int, minChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = max(1, min(threads, count / max(minChunk, 1)))
    if chunks == 1 {
        body(0, 0..<count)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = ChunkBody(run: escapable)
        DispatchQueue.concurrentPerform(iterations: chunks) { i in
            let lo = count * i / chunks, hi = count * (i + 1) / chunks
            box.run(i, lo..<hi)
        }
    }
}

/// Carries a kernel's chunk closure into `concurrentPerform`.
/// Invariant that makes `@unchecked Sendable` sound: every kernel writes only the output
/// range of its own chunk (and its own scratch), and reads data no chunk writes.
private struct ChunkBody: @unchecked Sendable {
    let run: (Int, Range<Int>) -> Void
}

@inline(__always)
func loadVec8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func storeVec8(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}
