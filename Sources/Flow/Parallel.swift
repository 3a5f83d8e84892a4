import Foundation

/// Runs `body` over `0..<count` split into contiguous chunks, one chunk per task,
/// on all cores. Small jobs run inline to avoid dispatch overhead.
///
/// Callers pass closures that capture raw pointers; the chunks are disjoint by
/// construction, which is the invariant that makes sharing them across threads safe.
func parallelChunks(_ count: Int, minChunk: Int = 8, _ body: (Range<Int>) -> Void) {
    if count <= 0 { return }
    let tasks = min(max(1, count / max(1, minChunk)), max(1, coreCount * 2))
    if tasks == 1 { body(0..<count); return }
    withoutActuallyEscaping(body) { escaping in
        nonisolated(unsafe) let fn = escaping
        DispatchQueue.concurrentPerform(iterations: tasks) { t in
            let lo = count * t / tasks, hi = count * (t + 1) / tasks
            if lo < hi { fn(lo..<hi) }
        }
    }
}

/// Active cores, read once.
let coreCount = ProcessInfo.processInfo.activeProcessorCount

/// Public entry to the same chunked parallel loop, for modules built on `Plane`.
///
/// `body` receives disjoint ranges covering `0..<count`; it must only write to
/// memory owned by its range.
public func forEachChunk(_ count: Int, minChunk: Int = 8, _ body: (Range<Int>) -> Void) {
    parallelChunks(count, minChunk: minChunk, body)
}
