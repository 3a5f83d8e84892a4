import Foundation

/// Submits batch scripts with Slurm's `sbatch` and returns their job ids.
public struct Sbatch: Sendable {
    /// The `sbatch` executable: a path, or a name looked up on PATH.
    public var executable: String
    /// Seconds to wait for one `sbatch` call (it only queues the job).
    public var timeout: Double

    /// Uses `sbatch` from PATH.
    public init(executable: String = "sbatch", timeout: Double = 60) { self.executable = executable; self.timeout = timeout }

    /// The job ids of one `kinema slurm --submit`.
    public struct Submission: Sendable, Codable, Equatable {
        /// The array job (all parts, or the one part rerun).
        public var array: String
        /// The concat job, which waits for the array job to succeed.
        public var concat: String
    }

    /// Submits the array script, then the concat script with `--dependency=afterok:<array id>`.
    /// - Throws: `ClusterError.sbatchMissing` or `.sbatchFailed`.
    public func submit(array: URL, concat: URL) throws(ClusterError) -> Submission {
        let a = try submit(array, dependency: nil)
        let c = try submit(concat, dependency: "afterok:\(a)")
        return Submission(array: a, concat: c)
    }

    /// Submits one script (`sbatch --parsable`) and returns its job id.
    /// - Throws: `ClusterError.sbatchMissing` or `.sbatchFailed`.
    public func submit(_ script: URL, dependency: String?) throws(ClusterError) -> String {
        guard let path = resolve() else { throw .sbatchMissing }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--parsable"] + (dependency.map { ["--dependency=\($0)", "--kill-on-invalid-dep=yes"] } ?? []) + [script.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw .sbatchFailed(error.localizedDescription) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate(); throw .sbatchFailed("no answer within \(Int(timeout)) s") }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw .sbatchFailed(stderr.split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)")
        }
        // --parsable prints "jobid" or "jobid;cluster".
        let id = stdout.split(separator: "\n").first?.split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw .sbatchFailed("unexpected answer '\(stdout.prefix(80))'") }
        return id
    }

    /// The executable's path: as given when it has a slash, else the first match on PATH.
    func resolve() -> String? {
        if executable.contains("/") { return FileManager.default.isExecutableFile(atPath: executable) ? executable : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
