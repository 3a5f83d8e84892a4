import Foundation
import TestMedia
import Testing

/// Runs the `kinema` executable that `swift build --build-tests` put beside the test bundle, and captures
/// its exit status, stdout and stderr. These tests exercise the command-line layer end to end: argument
/// checks, error messages, exit codes, output cleanup and the `--json` contracts scripts rely on.
enum KinemaCLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// `.exit` for a normal exit; `.uncaughtSignal` when the process died of a signal (a trap, a crash, kill -9).
        var reason: Process.TerminationReason = .exit
        /// stdout parsed as a JSON object (nil when it is not one).
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any]
        }
    }

    /// The built executable: beside the running test binary (SwiftPM's build folder), else the debug build.
    static let executable: URL = {
        let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent(), Media.root.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("kinema")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return Media.root.appendingPathComponent(".build/debug/kinema")
    }()

    /// Runs `kinema args...` to completion from the repository root. With `interruptWhen`, sends `signal` (SIGINT,
    /// Ctrl-C, by default) as soon as the condition holds (polled every 10 ms, for at most 20 s).
    /// `environment` entries are added to (or replace) the test's own environment.
    static func run(_ args: [String], environment: [String: String] = [:], signal: Int32 = SIGINT,
                    interruptWhen: (() -> Bool)? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        process.currentDirectoryURL = Media.root
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes on their own threads so a chatty child never blocks on a full pipe.
        let outBox = DataBox(out.fileHandleForReading), errBox = DataBox(err.fileHandleForReading)
        if let interruptWhen {
            let deadline = Date().addingTimeInterval(20)
            while !interruptWhen() && process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, signal) }
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outBox.wait(), as: UTF8.self),
                      stderr: String(decoding: errBox.wait(), as: UTF8.self), reason: process.terminationReason)
    }

    /// The error contract: non-zero exit and exactly one stderr line `kinema: error: ...` naming the problem.
    static func expectOneLineError(_ r: Result, mentioning: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1 && lines[0].hasPrefix("kinema: error: "), "stderr: \(r.stderr)",
                sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentioning), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    }

    /// A fresh empty scratch folder for one test's outputs; the caller removes it.
    static func scratch(_ label: String = #function) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("kinema-cli-\(label.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Names of the files left in a folder (to prove no partial output stayed behind).
    static func contents(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }
}

/// Reads one pipe to its end on a background thread; `wait` returns the bytes.
private final class DataBox: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
