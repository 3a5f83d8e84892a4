import Foundation

/// The partial outputs that are being written right now.
///
/// Writers create their output beside the target under a hidden temporary name and rename it on
/// success; a failed or dropped writer deletes it. A process interrupted by a signal never runs
/// those deinits, so the CLI's signal handler calls `removeAll()` before exiting.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

    /// Deletes every registered partial output (files first, then registered folders that are empty).
    /// Safe to call from any thread, including a signal-handling one.
    public static func removeAll() {
        lock.lock()
        let all = paths
        paths.removeAll()
        lock.unlock()
        var folders: [String] = []
        for p in all where unlink(p) != 0 && errno == EISDIR { folders.append(p) }
        // Deepest first, so nested folders empty before their parents.
        for p in folders.sorted(by: { $0.count > $1.count }) { rmdir(p) }
    }

    /// The partial outputs currently registered (for tests and diagnostics).
    public static var pending: [String] {
        lock.lock(); defer { lock.unlock() }
        return Array(paths)
    }

    /// Marks a file (or a folder this run created) as incomplete output: `removeAll()` deletes it on failure or
    /// Ctrl-C. Library code that writes several files (per-frame PNGs) registers each until the job succeeds.
    public static func register(_ path: String) { lock.lock(); paths.insert(path); lock.unlock() }
    /// The output is complete: keep it.
    public static func unregister(_ path: String) { lock.lock(); paths.remove(path); lock.unlock() }
}

/// A hidden temporary file beside `target`, renamed onto it by `commit()` and removed otherwise.
final class AtomicOutput {
    let target: URL
    let tempPath: String
    private var committed = false

    /// Reserves the temporary name after checking that the target's folder exists and that the
    /// target is not one of `inputs`.
    init(target: URL, inputs: [URL]) throws(VideoIOError) {
        self.target = target
        try OutputGuard.check(outputs: [target], inputs: inputs)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDir), isDir.boolValue {
            throw .outputNotWritable(path: target.path, reason: "it is a directory")
        }
        let folder = target.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir) else {
            throw .outputNotWritable(path: target.path, reason: "folder \(folder.path) does not exist")
        }
        guard isDir.boolValue else {
            throw .outputNotWritable(path: target.path, reason: "\(folder.path) is not a folder")
        }
        let ext = target.pathExtension.isEmpty ? "" : ".\(target.pathExtension)"
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        tempPath = folder.appendingPathComponent(".\(target.lastPathComponent).\(getpid())-\(token).part\(ext)").path
        TemporaryFiles.register(tempPath)
        Self.removeStale(in: folder, target: target.lastPathComponent, ext: ext)
    }

    /// Deletes this target's temporary files left by processes that no longer exist (killed with SIGKILL,
    /// or lost power): `.NAME.<pid>-<token>.part.EXT` whose pid is gone.
    static func removeStale(in folder: URL, target: String, ext: String) {
        let prefix = ".\(target).", suffix = ".part\(ext)"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.count > prefix.count + suffix.count {
            let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
            guard let dash = middle.firstIndex(of: "-"), let pid = Int32(middle[..<dash]), pid > 0 else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH { unlink(folder.appendingPathComponent(name).path) }
        }
    }

    deinit { if !committed { discard() } }

    /// Moves the finished temporary file onto the target.
    func commit() throws(VideoIOError) {
        if rename(tempPath, target.path) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw .outputNotWritable(path: target.path, reason: reason)
        }
        committed = true
        TemporaryFiles.unregister(tempPath)
    }

    /// Deletes the temporary file.
    func discard() {
        unlink(tempPath)
        TemporaryFiles.unregister(tempPath)
    }
}

/// An errno captured from a failed system call, with the system's one-line reason.
struct SystemError: Error {
    /// The `errno` value.
    let code: Int32
    /// `strerror(code)`, e.g. "No space left on device".
    var reason: String { String(cString: strerror(code)) }
}

/// Writes `bytes` to a new file at `path` (mode 0644) and flushes it to disk.
/// - Throws: `SystemError` on any failure (the caller removes the partial file).
func writeFile(_ path: String, _ bytes: [UInt8]) throws(SystemError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SystemError(code: errno) }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n < 0 {
            if errno == EINTR { continue }
            throw SystemError(code: errno)
        }
        done += n
    }
    guard fsync(fd) == 0 else { throw SystemError(code: errno) }
}
