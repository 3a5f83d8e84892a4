import Foundation
import TestMedia
import Testing
import VideoIO

/// A real single-node Slurm cluster (`scripts/slurm-local`: munged, slurmctld, slurmd on localhost) runs a 4-part
/// restyle submitted with `kinema slurm --submit`; the joined result must equal the one-machine run.
///
/// In CI (`KINEMA_REQUIRE_SLURM=1`, set by `.ci/run`) a cluster that cannot start is a failure. Elsewhere the test
/// runs when it can (root, slurm-wlm and munge installed) and is skipped otherwise, saying why.
@Suite(.serialized) struct SlurmClusterTests {
    static let required = ProcessInfo.processInfo.environment["KINEMA_REQUIRE_SLURM"] == "1"
    static let missing: String? = {
        if getuid() != 0 { return "not root" }
        for b in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch"]
        where !FileManager.default.isExecutableFile(atPath: b) { return "\(b) missing (apt-get install slurm-wlm munge)" }
        return nil
    }()

    @Test(.enabled(if: required || missing == nil, "Slurm cannot run here (needs root, slurm-wlm and munge; CI sets KINEMA_REQUIRE_SLURM=1)"))
    func fourPartRestyleOnALocalCluster() throws {
        if let why = Self.missing { Issue.record("Slurm is required here but \(why)"); return }
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let cluster = dir.appendingPathComponent("cluster")
        let script = Media.root.appendingPathComponent("scripts/slurm-local").path
        let start = try shell([script, "start", cluster.path])
        try #require(start.status == 0, "slurm-local start failed: \(start.output)")
        defer { _ = try? shell([script, "stop", cluster.path]) }
        let env = ["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]

        let out = dir.appendingPathComponent("joined.mp4"), one = dir.appendingPathComponent("one.mp4")
        let job = ["restyle", Media.url("bikes.mp4").path, "--style", "anime", "--crf", "0", "--preset", "ultrafast"]
        let began = Date()
        let submit = try shell([KinemaCLI.executable.path, "slurm", "--parts", "4", "--submit", "--json", "--"] + job + ["-o", out.path], env: env)
        try #require(submit.status == 0, "kinema slurm --submit: \(submit.output)")
        // Meanwhile, the one-machine run to compare with.
        let r = try KinemaCLI.run(job + ["-o", one.path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        // Wait for the concat job's output, at most 10 minutes (a loaded 2-core machine; unloaded it takes ~20 s).
        let deadline = Date().addingTimeInterval(600)
        while !FileManager.default.fileExists(atPath: out.path) && Date() < deadline {
            let q = try shell(["/usr/bin/squeue", "-h", "-o", "%i %T"], env: env)
            if q.status == 0 && q.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { break }  // queue drained
            usleep(250_000)
        }
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: out.path + ".kinema-slurm/logs")) ?? []
        let logText = logs.sorted().compactMap { try? String(contentsOfFile: out.path + ".kinema-slurm/logs/" + $0, encoding: .utf8) }
        try #require(FileManager.default.fileExists(atPath: out.path), "no joined output after \(Int(Date().timeIntervalSince(began))) s; logs: \(logText)")
        #expect(logs.count == 5, "one log per part plus concat: \(logs)")
        try SegmentRun.expectJoinedMatchesWhole(one, out)

        // A failed part is redone alone: --rerun 2 queues part 2 and a new concat job, which rewrite the output.
        try FileManager.default.removeItem(at: URL(fileURLWithPath: out.path + ".kinema-slurm/parts/part-2-of-4.mp4"))
        try FileManager.default.removeItem(at: out)
        let rerun = try shell([KinemaCLI.executable.path, "slurm", "--parts", "4", "--rerun", "2", "--json", "--"] + job + ["-o", out.path], env: env)
        try #require(rerun.status == 0, "kinema slurm --rerun 2: \(rerun.output)")
        let rerunDeadline = Date().addingTimeInterval(600)
        while !FileManager.default.fileExists(atPath: out.path) && Date() < rerunDeadline { usleep(250_000) }
        let after = (try? FileManager.default.contentsOfDirectory(atPath: out.path + ".kinema-slurm/logs")) ?? []
        #expect(after.filter { $0.hasPrefix("part-2-") }.count == 2 && after.filter { $0.hasPrefix("concat-") }.count == 2, "\(after)")
        try SegmentRun.expectJoinedMatchesWhole(one, out)
    }

    /// Runs a program with extra environment; returns its status and stdout+stderr. It is spawned and reaped with
    /// posix_spawn/waitpid, its output going to a file: the cluster's daemons it starts outlive it, and Foundation's
    /// `Process` was seen to miss such a child's exit here.
    func shell(_ argv: [String], env: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-slurm-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.map { "\($0.key)=\($0.value)" }
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = environment.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        guard rc == 0 else { return (-1, "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
