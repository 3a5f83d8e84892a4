import Dispatch
import Foundation

/// Splitting row loops across cores.
///
/// Work is cut into contiguous row ranges so each worker touches its own slice of
/// the output; small jobs run inline because dispatch overhead would dominate.
enum Parallel {
    /// Number of workers used for large jobs.
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` with disjoint ranges covering `0..<count`, concurrently when
    /// `count * costPerItem` is large enough to pay for the dispatch.
    static func forRanges(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let total = count * max(1, costPerItem)
        if workers == 1 || total < 1 << 15 || count < 2 {
            body(0..<count)
            return
        }
        // A few chunks per worker keeps cores busy when another process steals one.
        let chunks = min(count, workers * 4)
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                let lo = i * count / chunks
                let hi = (i + 1) * count / chunks
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }
}

/// Carries a value into `concurrentPerform`'s `@Sendable` closure.
///
/// Invariant that makes this safe: `concurrentPerform` returns only after every
/// iteration finished, and callers give each iteration a disjoint slice of the
/// output, so no memory is written by two threads or outlives the call.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

extension Array where Element == Float {
    /// `count` floats with unspecified contents, skipping the zero fill; for outputs whose
    /// every element the caller writes before reading (Float has no invalid bit patterns).
    static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
