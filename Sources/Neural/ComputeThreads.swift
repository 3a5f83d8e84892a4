/// A team of threads for the dense kernels (`DenseKernels`), created once and reused for every call,
/// with per-thread scratch for GEMM packing.
///
/// Safety invariant behind `@unchecked Sendable`: `scratch[i]` is touched only by the thread running
/// with index `i` inside one `WorkerTeam.run` (indices are distinct among concurrent pieces), and the
/// kernels are not reentrant: one caller drives a pool at a time (documented on `DenseKernels`), so
/// `workspaces` is only touched by that caller, outside parallel sections.
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

    /// Reusable buffers of the calling thread's kernels (packed A, Winograd transforms), kept between calls
    /// so a UNet's hundreds of convolutions do not page-fault fresh allocations each time.
    private var workspaces: [Workspace: (pointer: UnsafeMutablePointer<Float>, capacity: Int)] = [:]

    /// The kinds of buffer a kernel borrows from `workspace(_:floats:)`; one live borrower each.
    enum Workspace: Hashable {
        case packedA, winogradFilter, winogradInput, winogradProduct
    }

    deinit {
        for p in scratch { p.deallocate() }
        for (_, w) in workspaces { w.pointer.deallocate() }
    }

    /// A buffer of at least `floats` floats for `kind`, valid until the next request for the same kind
    /// (callers are the kernels of the one thread driving this pool; see the type's invariant).
    func workspace(_ kind: Workspace, floats: Int) -> UnsafeMutablePointer<Float> {
        if let w = workspaces[kind], w.capacity >= floats { return w.pointer }
        workspaces[kind]?.pointer.deallocate()
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(floats, 1))
        workspaces[kind] = (p, floats)
        return p
    }

    /// Runs `body(threadIndex, range)` over pieces of `0..<count` on the team (one piece per thread).
    func split(_ count: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
        parallelChunks(count, team: team, work: work, body)
    }
}
