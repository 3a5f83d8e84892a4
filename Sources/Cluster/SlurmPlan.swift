import Foundation

/// A segmented job as Slurm batch scripts: a job array with one task per part (`--segment $SLURM_ARRAY_TASK_ID/N`)
/// and a concat job that joins the parts once every task succeeded (`--dependency=afterok`).
///
/// Everything lives under `folder`, which every node must see at the same path: the scripts, the parts
/// (`parts/`), the logs (`logs/`); the joined output goes where the job's `-o` says, relative paths being read from
/// `workingDirectory` (the batch jobs `--chdir` there).
public struct SlurmPlan: Sendable {
    /// The job to split.
    public var job: SegmentedJob
    /// Number of parts (array tasks).
    public var parts: Int
    /// Slurm partition, or the cluster's default.
    public var partition: String?
    /// Time limit per task (Slurm's format, e.g. `2:00:00`), or the partition's default.
    public var time: String?
    /// The kinema executable the nodes run (on shared storage, or installed at this path on every node).
    public var kinema: String
    /// The shared folder for scripts, parts and logs.
    public var folder: URL
    /// Where the batch jobs run, so relative paths mean what they meant on the submitting machine.
    public var workingDirectory: URL

    /// A plan with checked settings.
    /// - Throws: `ClusterError.badSetting` for parts outside 1...10000 or a partition/time with odd characters.
    public init(job: SegmentedJob, parts: Int, partition: String? = nil, time: String? = nil, kinema: String,
                folder: URL, workingDirectory: URL) throws(ClusterError) {
        guard (1...10_000).contains(parts) else { throw .badSetting("--parts \(parts) must be within 1...10000") }
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_:.,"))
        for (name, v) in [("--partition", partition), ("--time", time)] {
            if let v, v.isEmpty || v.unicodeScalars.contains(where: { !safe.contains($0) }) {
                throw .badSetting("\(name) '\(v)' may hold only letters, digits and - _ : . ,")
            }
        }
        self.job = job; self.parts = parts; self.partition = partition; self.time = time
        self.kinema = kinema; self.folder = folder; self.workingDirectory = workingDirectory
    }

    /// The default shared folder for `output`: `OUTPUT.kinema-slurm/` beside it.
    public static func defaultFolder(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".kinema-slurm", isDirectory: true)
    }

    /// The joined output, absolute.
    public var output: URL { URL(fileURLWithPath: job.output, relativeTo: workingDirectory).standardizedFileURL }

    /// The file of part `k`.
    public func partPath(_ k: Int) -> String {
        let ext = output.pathExtension.isEmpty ? "mp4" : output.pathExtension
        return folder.appendingPathComponent("parts/part-\(k)-of-\(parts).\(ext)").path
    }

    /// The array job's script running `tasks` (Slurm's `--array` syntax: `1-N` for all, `K` for a rerun).
    public func arrayScript(tasks: String) -> String {
        let ext = output.pathExtension.isEmpty ? "mp4" : output.pathExtension
        let partFile = "\"" + shellEscapedInDoubleQuotes(folder.appendingPathComponent("parts").path + "/part-")
            + "${SLURM_ARRAY_TASK_ID}" + shellEscapedInDoubleQuotes("-of-\(parts).\(ext)") + "\""
        var args = ([kinema, job.command] + job.options).map(shellQuoted)
        args += ["--segment", "\"${SLURM_ARRAY_TASK_ID}/\(parts)\"", "-o", partFile, "--quiet"]
        return header(name: "kinema-\(job.command)", log: "logs/part-%a-%A.log", extra: ["--array=\(tasks)"])
            + "exec " + args.joined(separator: " ") + "\n"
    }

    /// The concat job's script: joins parts 1…N into the output, audio whole from the job's input.
    public var concatScript: String {
        var args = [kinema, "concat"] + (1...parts).map(partPath) + ["-o", output.path]
        if let a = job.audioSource { args += ["--audio-from", URL(fileURLWithPath: a, relativeTo: workingDirectory).standardizedFileURL.path] }
        return header(name: "kinema-concat", log: "logs/concat-%j.log", extra: [])
            + "exec " + args.map(shellQuoted).joined(separator: " ") + "\n"
    }

    private func header(name: String, log: String, extra: [String]) -> String {
        var lines = ["#!/bin/bash", "# Written by kinema slurm: \(job.command), \(parts) parts.",
                     "#SBATCH --job-name=\(name)",
                     "#SBATCH --output=\(folder.appendingPathComponent(log).path)",
                     "#SBATCH --chdir=\(workingDirectory.path)",
                     "#SBATCH --ntasks=1"]
        lines += extra.map { "#SBATCH \($0)" }
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines.append("set -euo pipefail")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Creates the folder layout and writes both scripts (`array.sh`, or `rerun-K.sh` for `tasks` = K, and
    /// `concat.sh`); returns their paths.
    /// - Throws: `ClusterError.folder` when the folder cannot be made or written.
    public func writeScripts(tasks: String) throws(ClusterError) -> (array: URL, concat: URL) {
        let fm = FileManager.default
        let array = folder.appendingPathComponent(tasks == "1-\(parts)" ? "array.sh" : "rerun-\(tasks).sh")
        let concat = folder.appendingPathComponent("concat.sh")
        do {
            for sub in ["parts", "logs"] {
                try fm.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            try Data(arrayScript(tasks: tasks).utf8).write(to: array, options: .atomic)
            try Data(concatScript.utf8).write(to: concat, options: .atomic)
        } catch {
            throw .folder(path: folder.path, reason: (error as NSError).localizedDescription)
        }
        return (array, concat)
    }
}

/// `'text'` for the shell, with single quotes inside escaped.
func shellQuoted(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Escapes what is special inside a double-quoted shell word (`"`, `\`, `` ` ``, `$`).
func shellEscapedInDoubleQuotes(_ s: String) -> String {
    var out = ""
    for ch in s {
        if ch == "\"" || ch == "\\" || ch == "`" || ch == "$" { out.append("\\") }
        out.append(ch)
    }
    return out
}
