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
