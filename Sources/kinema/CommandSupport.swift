import ArgumentParser
import Foundation
import VideoIO

// Shared plumbing for every kinema subcommand: one-line errors, exit codes, and removal of
// partial outputs on failure or Ctrl-C.
//
// Use it like this in a command's run():
//
//     func run() throws {
//         try runCommand {
//             ... do the work; throw any error ...
//         }
//     }

/// Runs a command body. Any error is printed as exactly one line, `kinema: error: <message>`,
/// on stderr, partial outputs are removed, and the process exits with status 1.
/// Ctrl-C (SIGINT) and SIGTERM also remove partial outputs, then exit with status 130/143.
func runCommand(_ body: () throws -> Void) throws {
    OutputCleanup.installSignalHandlers()
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        OutputCleanup.removeAll()
        printError(describe(error))
        throw ExitCode.failure
    }
}

/// Prints `kinema: error: <message>` (one line) to stderr.
func printError(_ message: String) {
    let line = "kinema: error: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// Prints a line to stderr (for notes that must not mix with a command's stdout output).
func printNote(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints `value` as JSON with sorted keys on stdout (`pretty`: indented, one field per line).
func printJSON<T: Encodable>(_ value: T, pretty: Bool = false) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A one-line, human description of any error. Foundation's file errors become `PATH: <system reason>`
/// (e.g. `out.mp4.kinema-resume/batch-000001.f32: No space left on device`), never their raw userInfo dump.
func describe(_ error: any Error) -> String {
    if let e = error as? CocoaError { return describeFileError(e as NSError) }
    if let e = error as? LocalizedError, let text = e.errorDescription { return text }
    if let e = error as? POSIXError { return String(cString: strerror(e.code.rawValue)) }
    let ns = error as NSError
    if ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain { return describeFileError(ns) }
    return String(describing: error)
}

/// `path: reason` for a Foundation file error, the reason taken from the underlying POSIX error when there is one.
private func describeFileError(_ ns: NSError) -> String {
    let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    var reason: String
    if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
        reason = String(cString: strerror(Int32(u.code)))
    } else if ns.domain == NSPOSIXErrorDomain {
        reason = String(cString: strerror(Int32(ns.code)))
    } else {
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: reason = "no such file"
        case .fileWriteOutOfSpace: reason = "No space left on device"
        case .fileWriteNoPermission, .fileReadNoPermission: reason = "permission denied"
        case .fileWriteVolumeReadOnly: reason = "read-only file system"
        default: reason = "file operation failed (code \(ns.code))"
        }
    }
    return path.map { "\($0): \(reason)" } ?? reason
}

/// An error for a command's own checks (bad option combinations, missing inputs).
struct CommandError: Error, CustomStringConvertible {
    /// The message shown after `kinema: error: `.
    let description: String
    /// Creates the error with its one-line message.
    init(_ message: String) { description = message }
}

/// Files that must disappear if the command fails or is interrupted.
///
/// VideoIO's writers already register their temporary files (`TemporaryFiles`); register any
/// other output a command creates non-atomically with `OutputCleanup.register(path)` and
/// `unregister` it once it is complete.
enum OutputCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Marks a file for deletion on failure or interrupt.
    static func register(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }

    /// The file is complete: keep it.
    static func unregister(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }

    /// Deletes every registered file and every partial video/image output.
    static func removeAll() {
        lock.lock()
        let all = paths
        paths.removeAll()
        lock.unlock()
        for p in all { unlink(p) }
        TemporaryFiles.removeAll()
    }

    /// Routes SIGINT/SIGTERM to a handler thread that cleans up and exits (idempotent).
    static func installSignalHandlers() {
        lock.lock(); defer { lock.unlock() }
        guard sources.isEmpty else { return }
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                removeAll()
                FileHandle.standardError.write(Data("\nkinema: interrupted, partial output removed\n".utf8))
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// Refuses, before any work, an output that is one of the inputs (same file by device+inode, through
/// symlinks and hard links, or the same resolved path for an output that does not exist yet), an output
/// folder that holds an input, and two outputs naming the same file. nil entries (options not given) are skipped.
///
///     try guardOutputs([output, preview], folders: [frames], inputs: [input, audio])
func guardOutputs(_ outputs: [String?], folders: [String?] = [], inputs: [String?]) throws {
    let urls = { (paths: [String?]) in paths.compactMap { $0 }.map { URL(fileURLWithPath: $0) } }
    try OutputGuard.check(outputs: urls(outputs), folders: urls(folders), inputs: urls(inputs))
}

/// Refuses, before any output exists, a clip whose frames would take this job over `MemoryBudget.limit`.
/// `bytesPerPixel` is the job's own working set per frame pixel (decoded frames in flight, float planes);
/// commands that write a video add the encoder's share.
func checkMemory(width: Int, height: Int, input: String, job: String, bytesPerPixel: Int, writesVideo: Bool) throws {
    let writer = writesVideo ? MemoryBudget.writerBytesPerPixel(width: width, height: height) : 0
    try MemoryBudget.check(width: width, height: height, bytesPerPixel: bytesPerPixel + writer, job: job, path: input)
}
