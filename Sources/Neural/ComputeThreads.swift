/// A team of threads for the dense kernels (`DenseKernels`), created once and reused for every call,
/// with per-thread scratch for GEMM packing.
///
/// Safety invariant behind `@unchecked Sendable`: `scratch[i]` is touched only by the thread running
/// with index `i` inside one `WorkerTeam.run` (indices are distinct among concurrent pieces), and the
/// kernels are not reentrant: one caller drives a pool at a time (documented on `DenseKernels`).
public final class ComputeThreads: @unchecked Sendable {
    /// Threads that run a kernel, the caller included.
    public let threads: Int
    let team: WorkerTeam?
    /// Per-thread scratch for packed B blocks (`DenseGemm.bBlockFloats` each).
    let scratch: [UnsafeMutablePointer<Float>]

    /// Starts `threads - 1` persistent workers (clamped to 1...64).
    public init(threads: Int) {
        let t = max(1, min(threads, 64))
        self.threads = t
        team = t > 1 ? WorkerTeam(threads: t) : nil
        scratch = (0..<t).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: DenseGemm.bBlockFloats)
            p.initialize(repeating: 0, count: DenseGemm.bBlockFloats)
            return p
        }
    }

    deinit { for p in scratch { p.deallocate() } }

    /// Runs `body(threadIndex, range)` over pieces of `0..<count` on the team (one piece per thread).
    func split(_ count: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
        parallelChunks(count, team: team, work: work, body)
    }
}
