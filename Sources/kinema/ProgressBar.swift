import Foundation
import VideoIO

/// A one-line progress bar on stderr: `label [######----]  45/90 frames  31.2 fps  ETA 0:02`.
///
/// It draws only when stderr is a terminal and `quiet` is false, at most 10 times a second, so
/// logs and pipes stay clean. Safe to update from any thread.
///
///     let bar = ProgressBar(label: "transcode", total: reader.metadata.frameCount, quiet: quiet)
///     try VideoPipeline.run(reader: r, writer: w, process: f, progress: bar.pipelineCallback)
///     bar.finish()
final class ProgressBar: @unchecked Sendable {
    // Invariant: mutable fields are only touched with `lock` held.
    private let lock = NSLock()
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private var total: Int
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// Creates a bar for `total` units of work (frames by default).
    init(label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = total
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Reports `done` units finished (and optionally a corrected total).
    func update(done: Int, total newTotal: Int? = nil) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if let newTotal { total = newTotal }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        draw(done: done, elapsed: now.timeIntervalSince(start))
    }

    /// A callback for `VideoPipeline.run(... progress:)`.
    var pipelineCallback: @Sendable (VideoPipeline.Progress) -> Void {
        { [self] p in update(done: p.framesDone, total: p.framesTotal) }
    }

    /// Clears the bar's line (call once the work is done or failed).
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }

    private func draw(done: Int, elapsed: Double) {
        let width = 24
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let fps = elapsed > 0 ? Double(done) / elapsed : 0
        var line = "\r\u{1B}[2K\(label) [" + String(repeating: "#", count: filled)
            + String(repeating: "-", count: width - filled) + "] \(done)/\(total) frames"
        line += String(format: "  %.1f fps", fps)
        if fps > 0, total > done { line += "  ETA " + Self.clock(Double(total - done) / fps) }
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    /// Formats seconds as m:ss (or h:mm:ss).
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
