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
