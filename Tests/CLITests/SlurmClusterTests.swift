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
    }

    /// Runs a program with extra environment; returns its status and stdout+stderr. Output goes through a file,
    /// not a pipe: the cluster's daemons are started by the child and must not keep a pipe of ours open.
    func shell(_ argv: [String], env: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-slurm-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        p.currentDirectoryURL = Media.root
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        p.waitUntilExit()
        try handle.close()
        return (p.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
