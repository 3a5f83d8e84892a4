import Foundation
import TestMedia
import Testing
import VideoIO

/// The tiny SD1-style pipeline fixtures that DiffusionTests ship (scripts/diffusion-fixtures.py).
private let diffusionFixtures = Media.root.appendingPathComponent("Tests/DiffusionTests/Fixtures")

/// text2image writes a labelled PNG, the same for the same seed; `--json` reports the resolved defaults.
@Test func text2imageWritesLabelledPNG() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-t2i-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.png").path, b = dir.appendingPathComponent("b.png").path
    let weights = diffusionFixtures.appendingPathComponent("sd1").path
    let r = try KinemaCLI.run(["text2image", "a castle", "--weights", weights, "-o", a, "--steps", "2", "--seed", "5", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.json?["family"] as? String == "sd1" && r.json?["scheduler"] as? String == "pndm")
    #expect(try ImageFile.readLabel(URL(fileURLWithPath: a))?.hasPrefix("synthetic media") == true)
    _ = try KinemaCLI.run(["text2image", "a castle", "--weights", weights, "-o", b, "--steps", "2", "--seed", "5", "--quiet"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
}

/// Bad input: one line, exit 1, and no output file — a missing component, wrong shapes, a truncated file,
/// a pickle, an unknown scheduler, a size that is not a multiple of the VAE factor, bad latents.
@Test func text2imageRefusesBadInput() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-t2i-bad-\(UUID().uuidString)")
    let fm = FileManager.default
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: dir) }
    let sd1 = diffusionFixtures.appendingPathComponent("sd1")
    let noVAE = dir.appendingPathComponent("novae")
    try fm.copyItem(at: sd1, to: noVAE)
    try fm.removeItem(at: noVAE.appendingPathComponent("vae"))
    let whole = try Data(contentsOf: diffusionFixtures.appendingPathComponent("sd1.safetensors"))
    let cut = dir.appendingPathComponent("cut.safetensors")
    try whole.prefix(whole.count / 2).write(to: cut)
    let pickle = dir.appendingPathComponent("model.ckpt")
    try Data([0x80, 0x02, 0x7D, 0x71]).write(to: pickle)
    let out = dir.appendingPathComponent("out.png").path
    let cases: [([String], String)] = [
        (["--weights", noVAE.path], "vae"),
        (["--weights", diffusionFixtures.appendingPathComponent("sd1.safetensors").path], "shape"),
        (["--weights", cut.path], "safetensors"),
        (["--weights", pickle.path], "convert it to .safetensors"),
        (["--weights", sd1.path, "--scheduler", "heun"], "--scheduler"),
        (["--weights", sd1.path, "--prediction", "x0"], "--prediction"),
        (["--weights", sd1.path, "--size", "17x16"], "multiples of"),
        (["--weights", sd1.path, "--latents", diffusionFixtures.appendingPathComponent("sd2.safetensors").path], "latents"),
        (["--weights", sd1.path, "--model", "dcgan"], "--model"),
    ]
    for (args, mention) in cases {
        let r = try KinemaCLI.run(["text2image", "a castle", "-o", out] + args)
        KinemaCLI.expectOneLineError(r, mentioning: mention)
        #expect(!fm.fileExists(atPath: out), "\(args) left an output")
    }
}

/// text2video --model sd: deterministic for a seed, labelled, rendered at --render-fps with flow in between,
/// and --resume after a completed run gives the same file.
@Test func text2videoDiffusionIsDeterministic() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-t2v-sd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let weights = diffusionFixtures.appendingPathComponent("sd1").path
    func run(_ name: String, _ extra: [String] = []) throws -> KinemaCLI.Result {
        try KinemaCLI.run(["text2video", "a lighthouse at dawn then a castle at night", "--model", "sd", "--weights", weights,
                           "--size", "16x16", "--steps", "2", "--seconds", "1", "--fps", "8", "--render-fps", "4", "--seed", "3",
                           "-o", dir.appendingPathComponent(name).path, "--json"] + extra)
    }
    let a = try run("a.mp4"), b = try run("b.mp4", ["--resume"])
    #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
    #expect(a.json?["frames"] as? Int == 8)
    #expect(a.json?["subjects"] as? [String] == ["a lighthouse at dawn", "a castle at night"])
    let da = try Data(contentsOf: dir.appendingPathComponent("a.mp4")), db = try Data(contentsOf: dir.appendingPathComponent("b.mp4"))
    #expect(da == db)
    #expect(String(decoding: da, as: UTF8.self).contains("synthetic media"))
    let bad = try KinemaCLI.run(["text2video", "a castle", "--model", "sd", "-o", dir.appendingPathComponent("c.mp4").path])
    KinemaCLI.expectOneLineError(bad, mentioning: "--weights")
}

/// Ctrl-C during text2video --model sd leaves no MP4 but keeps the rendered frames; `--resume` continues at the
/// first frame not yet rendered and gives the same file as an uninterrupted run.
@Test func text2videoDiffusionResumesAfterInterrupt() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinema-t2v-sd-resume-\(UUID().uuidString)")
    let fm = FileManager.default
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: dir) }
    let weights = diffusionFixtures.appendingPathComponent("sd1").path
    func args(_ name: String) -> [String] {
        ["text2video", "a forest then a desert", "--model", "sd", "--weights", weights, "--size", "32x32", "--steps", "4", "--guidance", "1",
         "--seconds", "1.5", "--fps", "12", "--seed", "4", "-o", dir.appendingPathComponent(name).path, "--json"]
    }
    let cache = dir.appendingPathComponent(".b.mp4.kinema-sd")
    let cut = try KinemaCLI.run(args("b.mp4")) {
        ((try? fm.contentsOfDirectory(atPath: cache.path)) ?? []).filter { $0.hasPrefix("frame-") && $0.hasSuffix(".png") }.count >= 3
    }
    #expect(cut.status != 0, "the run finished before it could be interrupted")
    #expect(!fm.fileExists(atPath: dir.appendingPathComponent("b.mp4").path))
    let resumed = try KinemaCLI.run(args("b.mp4") + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect((resumed.json?["resumedBatches"] as? Int ?? 0) >= 2)
    let whole = try KinemaCLI.run(args("a.mp4"))
    #expect(whole.status == 0 && whole.json?["resumedBatches"] as? Int == 0)
    #expect(try Data(contentsOf: dir.appendingPathComponent("a.mp4")) == Data(contentsOf: dir.appendingPathComponent("b.mp4")))
}

/// text2video --model sd in 3 parts joins to exactly the one-machine run (a frame depends only on its time, and each
/// part renders the keyframes on either side of it, so the flow-filled frames at its edges match), and `--frames`,
/// `--preview` and `--audio` work as they do with the face model.
@Test func text2videoDiffusionInPartsAndExtras() throws {
    let dir = try KinemaCLI.scratch(); defer { try? FileManager.default.removeItem(at: dir) }
    let job = ["text2video", "a lighthouse then a castle", "--model", "sd", "--weights", diffusionFixtures.appendingPathComponent("sd1").path,
               "--size", "16x16", "--steps", "2", "--seconds", "1", "--fps", "8", "--render-fps", "3", "--seed", "5",
               "--crf", "0", "--preset", "ultrafast"]
    let r = try SegmentRun.wholeAndParts(job, parts: 3, in: dir)
    try SegmentRun.expectJoinedMatchesWhole(r.whole, r.joined, minPSNR: .infinity)

    let frames = dir.appendingPathComponent("frames"), sheet = dir.appendingPathComponent("sheet.png")
    let out = dir.appendingPathComponent("extras.mp4"), sound = Media.url("face_audio.mp4")
    let x = try KinemaCLI.run(job + ["--frames", frames.path, "--preview", sheet.path, "--audio", sound.path, "-o", out.path, "--json"])
    #expect(x.status == 0, "\(x.stderr)")
    let pngs = try FileManager.default.contentsOfDirectory(atPath: frames.path).filter { $0.hasSuffix(".png") }
    #expect(pngs.count == 8)
    let sheetBytes = try Data(contentsOf: sheet)
    #expect(sheetBytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && String(decoding: sheetBytes, as: UTF8.self).contains("synthetic media"))
    let m = try VideoReader(url: out).metadata
    #expect(m.frameCount == 8 && m.hasAudio)
    #expect(abs((m.audioDuration ?? 0) - 1) < 0.05, "audio \(m.audioDuration ?? 0) s for a 1 s clip")
}
