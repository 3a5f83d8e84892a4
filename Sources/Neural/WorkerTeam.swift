import Dispatch
import Foundation
import Synchronization

/// The calling thread plus `threads - 1` persistent worker threads that split one op's output rows.
///
/// Why not `DispatchQueue.concurrentPerform`: the face models run ~100 ops of 5-50 µs each, and a
/// Dispatch hand-off costs tens of µs on a busy machine. Here a job is published with one atomic
/// store; a worker that finished its last chunk spins on that word for a while (ops follow each other
/// within microseconds) before it parks on a semaphore.
///
/// Chunks are claimed dynamically: the caller works too and takes whatever chunk nobody has claimed,
/// so a worker that is parked or descheduled costs nothing but its absence (the op then runs at
/// one-thread speed instead of stalling). The caller waits only for chunks a worker actually claimed.
///
/// Safety invariant behind `TeamCore`'s `@unchecked Sendable`: the job fields (`body`, `count`, `align`) are written
/// by the caller before the release-store of `state` and are read by a worker only after a successful
/// claim (a compare-exchange on `state` with acquire ordering). The caller rewrites them only after
/// every claimed chunk has been reported in `finished`, so no read overlaps a write. Each chunk writes
/// a disjoint output range (the kernels' contract), and `threadIndex` is distinct per running thread.
final class WorkerTeam: Sendable {
    /// Threads that run an op, the caller included.
    let threads: Int
    private let core: TeamCore

    /// Starts `threads - 1` workers (none for one thread). `threads` is clamped to 1...64.
    init(threads: Int) {
        core = TeamCore(threads: threads)
        self.threads = core.threads
    }

    /// Stops the workers (they hold `core`, not the team, so the team's `deinit` can run).
    deinit { core.shutdown() }

    /// Splits `0..<count` into up to `chunks` pieces whose bounds are multiples of `align` (the last
    /// piece excepted) and runs `body(threadIndex, range)` on each, spread over the team. Returns when
    /// every piece is done. `threadIndex` is in 0..<threads and distinct among concurrently running
    /// pieces, so it can select per-thread scratch. Not reentrant: one caller at a time.
    @inline(__always)
    func run(_ count: Int, chunks: Int, align: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        core.run(count, chunks: chunks, align: align, body)
    }
}

/// The state the caller and the workers share (see `WorkerTeam`).
private final class TeamCore: @unchecked Sendable {
    let threads: Int

    /// generation (bits 32-63) | chunk count (16-31) | next unclaimed chunk (0-15).
    private let state = Atomic<UInt64>(0)
    /// Chunks of the current job that have completed.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let parked: [Parking]
    private let exited = DispatchSemaphore(value: 0)

    private var generation: UInt64 = 0
    private var body: ((Int, Range<Int>) -> Void)?
    private var count = 0
    private var align = 1
    private var chunks = 1

    /// How long an idle worker spins before parking.
    private static let spinNanoseconds: UInt64 = 300_000

    /// A worker's parking place: `asleep` is set before it waits, so the caller knows to signal.
    private final class Parking: Sendable {
        let asleep = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    init(threads: Int) {
        self.threads = max(1, min(threads, 64))
        parked = (1..<self.threads).map { _ in Parking() }
        for i in 1..<self.threads {
            let thread = Thread { self.workerLoop(index: i) }
            thread.name = "kinema.neural.worker\(i)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Stops the workers and waits until they have left their loops.
    func shutdown() {
        guard threads > 1, !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        for p in parked { p.wake.signal() }
        for _ in parked { exited.wait() }
    }

    func run(_ count: Int, chunks: Int, align: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        guard count > 0 else { return }
        let align = max(align, 1)
        let units = (count + align - 1) / align
        let chunks = min(chunks, units, 0xFFFF)
        if threads == 1 || chunks <= 1 {
            body(0, 0..<count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            self.count = count
            self.align = align
            self.chunks = chunks
            finished.store(0, ordering: .relaxed)
            generation &+= 1
            let gen = generation & 0xFFFF_FFFF
            state.store(gen << 32 | UInt64(chunks) << 16, ordering: .sequentiallyConsistent)
            for p in parked where p.asleep.load(ordering: .sequentiallyConsistent) {
                if p.asleep.exchange(false, ordering: .sequentiallyConsistent) { p.wake.signal() }
            }
            work(threadIndex: 0, generation: gen)
            var spins = 0
            while finished.load(ordering: .acquiring) < chunks {
                spins &+= 1
                // A worker holding a chunk was descheduled: let it run.
                if spins & 1023 == 0 { sched_yield() }
            }
            self.body = nil
        }
    }

    /// Claims and runs chunks of job `generation` until none is left.
    private func work(threadIndex: Int, generation gen: UInt64) {
        while true {
            let v = state.load(ordering: .acquiring)
            guard v >> 32 == gen else { return }
            let total = Int((v >> 16) & 0xFFFF), next = Int(v & 0xFFFF)
            guard next < total else { return }
            guard state.compareExchange(expected: v, desired: v + 1, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            runChunk(next, threadIndex: threadIndex)
            finished.add(1, ordering: .releasing)
        }
    }

    /// Runs one chunk. Kept out of line so the closure copy it makes is released before the chunk
    /// is reported finished (the caller then drops the closure inside `withoutActuallyEscaping`).
    @inline(never)
    private func runChunk(_ i: Int, threadIndex: Int) {
        guard let body else { return }
        let units = (count + align - 1) / align
        let lo = min(count, units * i / chunks * align), hi = min(count, units * (i + 1) / chunks * align)
        if lo < hi { body(threadIndex, lo..<hi) }
    }

    private func workerLoop(index: Int) {
        let parking = parked[index - 1]
        var seen: UInt64 = 0
        while true {
            var v = state.load(ordering: .acquiring)
            var spins = 0
            var spinStart: UInt64 = 0
            while v >> 32 == seen {
                if stopping.load(ordering: .relaxed) {
                    exited.signal()
                    return
                }
                spins &+= 1
                if spins & 255 == 0 {
                    let now = DispatchTime.now().uptimeNanoseconds
                    if spinStart == 0 {
                        spinStart = now
                    } else if now - spinStart > Self.spinNanoseconds {
                        // Park. `asleep` is published before `state` is re-read, and the caller stores
                        // `state` before it reads `asleep`, so one of the two sees the other.
                        parking.asleep.store(true, ordering: .sequentiallyConsistent)
                        if state.load(ordering: .sequentiallyConsistent) >> 32 == seen,
                           !stopping.load(ordering: .sequentiallyConsistent) {
                            parking.wake.wait()
                        }
                        parking.asleep.store(false, ordering: .sequentiallyConsistent)
                        spinStart = 0
                    }
                }
                v = state.load(ordering: .acquiring)
            }
            seen = v >> 32
            work(threadIndex: index, generation: seen)
        }
    }
}
