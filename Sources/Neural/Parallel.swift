/// Splits `0..<count` over `team` (nil: the calling thread alone) when the op is big enough to repay a hand-off, and runs `body` on
/// each piece (see `WorkerTeam.run`). `work` estimates the op's cost in multiply-adds; pieces hold at
/// least `Parallel.workPerChunk` of it, at most `Parallel.piecesPerThread` per thread.
/// `body` receives the running thread's index (0..<team.threads) and its range.
@inline(__always)
func parallelChunks(_ count: Int, team: WorkerTeam?, work: Int, align: Int = 1, _ body: (Int, Range<Int>) -> Void) {
    guard let team, team.threads > 1 else {
        if count > 0 { body(0, 0..<count) }
        return
    }
    team.run(count, chunks: min(team.threads &* Parallel.piecesPerThread, work / Parallel.workPerChunk), align: align, body)
}

enum Parallel {
    /// Multiply-adds below which a piece of an op is not worth handing to another thread (~2 µs).
    static let workPerChunk = 24_000
    /// One piece per thread: consecutive ops then split their rows the same way, so a thread mostly
    /// reads rows it wrote itself (finer dynamic pieces scattered rows across cores and measured
    /// ~15% slower on the face models at 2 threads).
    static let piecesPerThread = 1
}
