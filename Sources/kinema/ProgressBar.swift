import Foundation
import VideoIO

/// The one progress reporter of every command, on stderr.
///
/// - On a terminal: a bar redrawn in place, at most 10 times a second:
///   `label [######----]  45/90 frames  31.2 fps  ETA 0:02`.
/// - On anything else (a pipe, a log file): whole lines, never `\r` or escape codes, at most one every
///   `lineInterval` seconds and none for jobs shorter than that: `label: 45/90 frames (50%), 31.2 fps, ETA 0:02`.
/// - Nothing with `quiet`.
///
/// Library code reports through its progress callbacks; only this type renders. Safe to update from any thread.
///
///     let bar = ProgressBar(label: "transcode", total: reader.metadata.frameCount, quiet: quiet)
///     try VideoPipeline.run(reader: r, writer: w, process: f, progress: bar.pipelineCallback)
///     bar.finish()
final class ProgressBar: @unchecked Sendable {
    // Invariant: mutable fields are only touched with `lock` held.
    private let lock = NSLock()
    private let label: String
    private let enabled: Bool
    private let terminal: Bool
    private let start = Date()
    private var total: Int
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// Creates a bar for `total` units of work (frames by default).
    init(label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = total
        terminal = isatty(STDERR_FILENO) == 1
        enabled = !quiet
    }

    /// Seconds between progress lines when stderr is not a terminal: 5, or `KINEMA_PROGRESS_INTERVAL`
    /// (0.05...3600, for tests and logs that want more or fewer lines).
    static let lineInterval: Double = {
        if let text = ProcessInfo.processInfo.environment["KINEMA_PROGRESS_INTERVAL"], let s = Double(text),
           s.isFinite, (0.05...3600).contains(s) {
            return s
        }
        return 5
    }()

    /// Reports `done` units finished (and optionally a corrected total).
    func update(done: Int, total newTotal: Int? = nil) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if let newTotal { total = newTotal }
        let now = Date()
        if terminal {
            guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        } else {
            let since = lastDraw == .distantPast ? now.timeIntervalSince(start) : now.timeIntervalSince(lastDraw)
            guard since >= Self.lineInterval, done < total || total <= 0 else { return }
        }
        lastDraw = now
        draw(done: done, elapsed: now.timeIntervalSince(start))
    }

    /// A callback for `VideoPipeline.run(... progress:)`.
    var pipelineCallback: @Sendable (VideoPipeline.Progress) -> Void {
        { [self] p in update(done: p.framesDone, total: p.framesTotal) }
    }

    /// Clears the bar's line (call once the work is done or failed).
    func finish() {
        guard enabled, terminal else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }

    private func draw(done: Int, elapsed: Double) {
        let width = 24
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let filled = Int(fraction * Double(width))
        let fps = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = fps > 0 && total > done ? Self.clock(Double(total - done) / fps) : nil
        var line: String
        if terminal {
            line = "\r\u{1B}[2K\(label) [" + String(repeating: "#", count: filled)
                + String(repeating: "-", count: width - filled) + "] \(done)/\(total) frames"
            line += String(format: "  %.1f fps", fps)
            if let eta { line += "  ETA " + eta }
        } else {
            line = "\(label): \(done)/\(total) frames (\(Int(fraction * 100))%)" + String(format: ", %.1f fps", fps)
            if let eta { line += ", ETA " + eta }
            line += "\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
        drawn = terminal
    }

    /// Formats seconds as m:ss (or h:mm:ss).
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
