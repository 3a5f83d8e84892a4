import Foundation
import Neural
import Testing
@testable import Diffusion

/// Text embeddings from both layouts of both families match transformers' CLIPTextModel output
/// (max |Δ| ≤ 1e-4; SD1 quick-GELU from an F32 folder and an F16 single file with I64 position_ids, SD2 GELU from
/// an F16 folder and a BF16 OpenCLIP single file whose extra last layer must be skipped).
@Test(arguments: ["sd1", "sd2"]) func textEmbeddingsMatchTransformers(family: String) throws {
    let prompt = "a dragon flying over a castle, 4k!", negative = "blurry"
    let want = try references.floats("\(family).embeds")
    let folder = try DiffusionCheckpoint.load(fixtures.appendingPathComponent(family))
    let single = try DiffusionCheckpoint.load(fixtures.appendingPathComponent("\(family).safetensors"), configs: fixtures.appendingPathComponent(family))
    #expect(folder.isOpenCLIP == (family == "sd2") && single.isOpenCLIP == (family == "sd2"))
    for ck in [folder, single] {
        let enc = try CLIPTextEncoder(config: ck.textConfig, weights: ck.textWeights)
        let got = try enc.encode([ck.tokenizer.encode(prompt), ck.tokenizer.encode(negative)])
        #expect(got.shape == [2, 77, ck.textConfig.hiddenSize])
        #expect(maxAbsDiff(got.data, want) <= 1e-4, "\(family) single=\(ck.isSingleFile)")
    }
}

/// The single-file renaming presents exactly the diffusers folder's UNet, VAE and text-encoder tensors with the same
/// values (the fixture values are exact in F32, F16 and BF16), so the networks cannot tell the layouts apart.
@Test(arguments: ["sd1", "sd2"]) func singleFileNamesMatchDiffusers(family: String) throws {
    let folder = try DiffusionCheckpoint.load(fixtures.appendingPathComponent(family))
    let single = try DiffusionCheckpoint.load(fixtures.appendingPathComponent("\(family).safetensors"), configs: fixtures.appendingPathComponent(family))
    for (a, b) in [(folder.unetWeights, single.unetWeights), (folder.vaeWeights, single.vaeWeights), (folder.textWeights, single.textWeights)] {
        let want = Set(a.names.filter { !$0.hasSuffix("position_ids") })
        let missing = want.subtracting(b.names).sorted(), extra = Set(b.names).subtracting(want).sorted()
        #expect(missing.isEmpty && extra.isEmpty, "missing \(missing.count) \(missing.prefix(3)), extra \(extra.count) \(extra.prefix(3))")
        for n in want where Set(b.names).contains(n) {
            #expect(a.shape(of: n) == b.shape(of: n), "\(n)")
            #expect(try a.floats(n) == b.floats(n), "\(n)")
        }
    }
}

/// Without configs a single file gets the shipped 49,408-token CLIP BPE; the tiny fixture's 1,014-row embedding
/// cannot hold it, which must be a one-line shape error rather than a crash.
@Test func singleFileWithoutConfigsChecksVocabulary() throws {
    #expect(throws: DiffusionError.self) { try DiffusionCheckpoint.load(fixtures.appendingPathComponent("sd1.safetensors")) }
    do { _ = try DiffusionCheckpoint.load(fixtures.appendingPathComponent("sd2.safetensors")) } catch let e as DiffusionError {
        guard case .badShape = e else { Issue.record("unexpected \(e)"); return }
        #expect(!e.description.contains("\n"))
    }
}

/// Bad input: pickles (by name and by content), a truncated file, missing components, wrong shapes.
@Test func loaderRefusesBadInput() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    func expectError(_ url: URL, _ match: (DiffusionError) -> Bool, configs: URL? = nil) {
        do { _ = try DiffusionCheckpoint.load(url, configs: configs); Issue.record("\(url.lastPathComponent) loaded") } catch let e as DiffusionError {
            #expect(match(e), "\(e)")
            #expect(!e.description.contains("\n"))
        } catch let e as SafeTensorsError {
            #expect(match(.badWeights(e.description)), "\(e)")
        } catch { Issue.record("\(error)") }
    }
    let ckpt = dir.appendingPathComponent("model.ckpt")
    try Data([0x50, 0x4B, 3, 4, 0, 0, 0, 0, 0]).write(to: ckpt)
    expectError(ckpt) { if case .pickle = $0 { return $0.description.contains("convert it to .safetensors") }; return false }
    let disguised = dir.appendingPathComponent("disguised.safetensors")
    try Data([0x80, 0x02, 0x7D, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00]).write(to: disguised)
    expectError(disguised) { if case .pickle = $0 { return true }; return false }

    let whole = try Data(contentsOf: fixtures.appendingPathComponent("sd1.safetensors"))
    let cut = dir.appendingPathComponent("cut.safetensors")
    try whole.prefix(whole.count - 1000).write(to: cut)
    expectError(cut) { if case .badWeights(let m) = $0 { return m.contains("safetensors") }; return false }

    let copy = dir.appendingPathComponent("sd1")
    try FileManager.default.copyItem(at: fixtures.appendingPathComponent("sd1"), to: copy)
    try FileManager.default.removeItem(at: copy.appendingPathComponent("vae"))
    expectError(copy) { if case .missingComponent(let m) = $0 { return m.contains("vae") }; return false }
    try FileManager.default.copyItem(at: fixtures.appendingPathComponent("sd1/vae"), to: copy.appendingPathComponent("vae"))
    try FileManager.default.removeItem(at: copy.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
    try Data([0x80, 0x02]).write(to: copy.appendingPathComponent("unet/diffusion_pytorch_model.bin"))
    expectError(copy) { if case .pickle = $0 { return true }; return false }
    try FileManager.default.copyItem(at: fixtures.appendingPathComponent("sd1/unet/diffusion_pytorch_model.safetensors"),
                                     to: copy.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
    var cfg = try JSONSerialization.jsonObject(with: Data(contentsOf: copy.appendingPathComponent("text_encoder/config.json"))) as! [String: Any]
    cfg["intermediate_size"] = 40
    try JSONSerialization.data(withJSONObject: cfg).write(to: copy.appendingPathComponent("text_encoder/config.json"))
    expectError(copy) { if case .badShape = $0 { return true }; return false }
    expectError(dir.appendingPathComponent("absent")) { if case .badWeights = $0 { return true }; return false }
}
