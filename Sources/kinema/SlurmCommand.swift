import ArgumentParser
import Cluster
import Foundation

/// `kinema slurm --parts N [--submit] -- JOB ARGS`: a Slurm job array rendering the parts plus a concat job.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Split a job into parts as a Slurm job array, joined by a dependent concat job.",
        discussion: "Example: kinema slurm --parts 8 --submit -- restyle film.mp4 -o film-anime.mp4 --style anime\n"
            + "Scripts, parts and logs go to --folder (default OUTPUT.kinema-slurm/ beside the output), which every "
            + "node must see at the same path, as must the input, the output and the kinema executable.")

    @Option(help: "Number of parts (array tasks).")
    var parts: Int

    @Option(help: "Slurm partition (default: the cluster's default).")
    var partition: String?

    @Option(help: "Time limit per task, Slurm's format (e.g. 2:00:00).")
    var time: String?

    @Option(help: "Shared folder for scripts, parts and logs.")
    var folder: String?

    @Option(help: "The kinema executable the nodes run (default: this one).")
    var kinema: String?

    @Flag(help: "Submit with sbatch and print the job ids.")
    var submit = false

    @Option(help: "Resubmit only part K (after it failed) and a new concat job.")
    var rerun: Int?

    @Flag(help: "Print the scripts and job ids as JSON.")
    var json = false

    @Argument(parsing: .postTerminator, help: "The job: restyle, faceswap, text2video or transcode with its arguments.")
    var job: [String] = []

    func run() throws {
        try runCommand {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            let segmented = try SegmentedJob(arguments: job)
            let exe = kinema ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
            var plan = try SlurmPlan(job: segmented, parts: parts, partition: partition, time: time,
                                     kinema: URL(fileURLWithPath: exe, relativeTo: cwd).standardizedFileURL.path,
                                     folder: cwd, workingDirectory: cwd)
            plan.folder = folder.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
                ?? SlurmPlan.defaultFolder(for: plan.output)
            if let k = rerun, !(1...parts).contains(k) { throw CommandError("--rerun \(k) must be within 1...\(parts)") }
            let tasks = rerun.map(String.init) ?? "1-\(parts)"
            let scripts = try plan.writeScripts(tasks: tasks)
            var result: [String: String] = ["array_script": scripts.array.path, "concat_script": scripts.concat.path,
                                            "output": plan.output.path, "folder": plan.folder.path]
            if submit || rerun != nil {
                let ids = try Sbatch().submit(array: scripts.array, concat: scripts.concat)
                result["array_job"] = ids.array
                result["concat_job"] = ids.concat
            }
            if json {
                try printJSON(result)
            } else {
                print("array script: \(scripts.array.path)")
                print("concat script: \(scripts.concat.path)")
                if let a = result["array_job"], let c = result["concat_job"] {
                    print("submitted array job \(a) (\(rerun.map { "part \($0)" } ?? "\(parts) parts")), concat job \(c) -> \(plan.output.path)")
                } else {
                    print("submit with: kinema slurm ... --submit, or sbatch \(scripts.array.path); sbatch --dependency=afterok:<id> \(scripts.concat.path)")
                }
            }
        }
    }
}
