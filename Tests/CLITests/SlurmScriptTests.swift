import Cluster
import Foundation
import TestMedia
import Testing

/// `kinema slurm` without a cluster: what the batch scripts say, and what is refused.
@Suite struct SlurmScriptTests {
    @Test func jobArgumentsAreReadAndCheckedPerJob() throws {
        let r = try SegmentedJob(arguments: ["restyle", "in put.mp4", "--style", "anime", "-o", "out.mp4", "--json"])
        #expect(r.output == "out.mp4" && r.audioSource == "in put.mp4" && r.options == ["in put.mp4", "--style", "anime", "--json"])
        let f = try SegmentedJob(arguments: ["faceswap", "--source", "a.png", "--target", "clip.mp4", "--output=o.mp4"])
        #expect(f.output == "o.mp4" && f.audioSource == "clip.mp4")
        let t = try SegmentedJob(arguments: ["text2video", "a face", "--audio", "song.m4a", "-o", "t.mp4"])
        #expect(t.audioSource == "song.m4a")
        #expect(try SegmentedJob(arguments: ["text2video", "a face", "-o", "t.mp4"]).audioSource == nil)
        let tr = try SegmentedJob(arguments: ["transcode", "--crf", "0", "in.mkv", "-o", "t.mkv"])
        #expect(tr.audioSource == "in.mkv")
        for (bad, why) in [([], "give the job"), (["detect", "x.mp4"], "cannot be split"), (["restyle", "in.mp4"], "-o OUTPUT"),
                           (["restyle", "in.mp4", "-o", "o.mp4", "--segment", "1/2"], "--segment"),
                           (["restyle", "in.mp4", "-o", "o.mp4", "--preview", "p.png"], "--preview")] as [([String], String)] {
            #expect { try SegmentedJob(arguments: bad) } throws: { "\($0)".contains(why) }
        }
    }

    @Test func scriptsRunTheArrayThenConcat() throws {
        let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
        let shared = dir.appendingPathComponent("shared dir")
        let r = try KinemaCLI.run(["slurm", "--parts", "3", "--partition", "gpu", "--time", "1:00:00", "--folder", shared.path,
                                   "--json", "--", "restyle", "clips/it's.mp4", "-o", dir.appendingPathComponent("out.mp4").path,
                                   "--style", "anime"])
        #expect(r.status == 0, "\(r.stderr)")
        let array = try String(contentsOfFile: shared.appendingPathComponent("array.sh").path, encoding: .utf8)
        let concat = try String(contentsOfFile: shared.appendingPathComponent("concat.sh").path, encoding: .utf8)
        #expect(array.contains("#SBATCH --array=1-3") && array.contains("#SBATCH --partition=gpu") && array.contains("#SBATCH --time=1:00:00"))
        #expect(array.contains("--segment \"${SLURM_ARRAY_TASK_ID}/3\""))
        #expect(array.contains("'restyle' 'clips/it'\\''s.mp4' '--style' 'anime'"), "\(array)")
        #expect(array.contains("#SBATCH --chdir=\(Media.root.path)"))
        #expect(array.contains("\(shared.path)/logs/part-%a-%A.log"))
        #expect(concat.contains("'concat' '\(shared.path)/parts/part-1-of-3.mp4' '\(shared.path)/parts/part-2-of-3.mp4' '\(shared.path)/parts/part-3-of-3.mp4'"))
        #expect(concat.contains("'--audio-from' '\(Media.root.path)/clips/it'\\''s.mp4'"))
        // The scripts are valid bash.
        for s in ["array.sh", "concat.sh"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-n", shared.appendingPathComponent(s).path]
            try p.run(); p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(s) is not valid bash")
        }
        let rerun = try KinemaCLI.run(["slurm", "--parts", "3", "--rerun", "4", "--", "restyle", "a.mp4", "-o", "b.mp4"])
        KinemaCLI.expectOneLineError(rerun, mentioning: "--rerun 4 must be within 1...3")
        let bad = try KinemaCLI.run(["slurm", "--parts", "3", "--partition", "a;rm", "--", "restyle", "a.mp4", "-o", "b.mp4"])
        KinemaCLI.expectOneLineError(bad, mentioning: "--partition")
    }
}
