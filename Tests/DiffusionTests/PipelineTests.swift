import Foundation
import Neural
import Testing
@testable import Diffusion

/// The whole pipeline with diffusers' own initial latents (the `latents=` argument) reproduces diffusers' image at
/// PSNR ≥ 40 dB: SD1-style (PNDM, 4 steps, guidance 7.5, quick-GELU CLIP) and SD2-style (Euler, v-prediction,
/// 3 steps, guidance 5, OpenCLIP GELU, linear projections), each from the diffusers folder and from the
/// single-file export of the same weights.
@Test(arguments: ["sd1", "sd2"]) func pipelineMatchesDiffusers(family: String) throws {
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("references.json"))) as! [String: Any]
    let m = meta[family] as! [String: Any]
    let want = try references.floats("\(family).image")
    let latents = try SafeTensors(contentsOf: fixtures.appendingPathComponent("\(family)-latents.safetensors")).tensor("latents")
    var images: [[Float]] = []
    for single in [false, true] {
        let url = fixtures.appendingPathComponent(single ? "\(family).safetensors" : family)
        let ck = try DiffusionCheckpoint.load(url, configs: single ? fixtures.appendingPathComponent(family) : nil)
        let pipe = try StableDiffusionPipeline(checkpoint: ck, threads: 2)
        var o = GenerationOptions(prompt: meta["prompt"] as! String)
        o.negativePrompt = meta["negative"] as! String
        o.steps = m["steps"] as? Int
        o.guidance = Float(m["guidance"] as! Double)
        o.latents = latents
        let img = try pipe.generate(o)
        #expect(img.shape == [1, 3, m["size"] as! Int, m["size"] as! Int])
        let p = psnr(img.data, want)
        #expect(p >= 40, "\(family) single=\(single): PSNR \(p) dB")
        images.append(img.data)
    }
    #expect(images[0] == images[1], "the single-file export must give the same image")
}

/// Seeds are deterministic, the size must be a multiple of the VAE factor, and wrong latents are one line.
@Test func pipelineOptionsAreChecked() throws {
    let pipe = try StableDiffusionPipeline(checkpoint: DiffusionCheckpoint.load(fixtures.appendingPathComponent("sd1")), threads: 2)
    var o = GenerationOptions(prompt: "a castle")
    o.steps = 2; o.seed = 7
    let a = try pipe.generate(o), b = try pipe.generate(o)
    #expect(a == b)
    o.seed = 8
    #expect(try pipe.generate(o) != a)
    o.width = 15; o.height = 16
    #expect(throws: DiffusionError.self) { try pipe.generate(o) }
    o.width = 16
    o.latents = try Tensor(shape: [1, 4, 4, 4])
    #expect(throws: DiffusionError.self) { try pipe.generate(o) }
    #expect(pipe.defaults == PipelineDefaults(family: "sd1", scheduler: .pndm, steps: 50, guidance: 7.5, size: 16, prediction: .epsilon))
}

/// img2img in the library API against diffusers' StableDiffusionImg2ImgPipeline (strength 0.5, its two random
/// draws given): PSNR ≥ 40 dB for both families; a strength that leaves no step is refused.
@Test(arguments: ["sd1", "sd2"]) func img2imgMatchesDiffusers(family: String) throws {
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("references.json"))) as! [String: Any]
    let m = meta[family] as! [String: Any]
    let pipe = try StableDiffusionPipeline(checkpoint: DiffusionCheckpoint.load(fixtures.appendingPathComponent(family)), threads: 2)
    var o = GenerationOptions(prompt: meta["prompt"] as! String)
    o.negativePrompt = meta["negative"] as! String
    o.steps = m["steps"] as? Int
    o.guidance = Float(m["guidance"] as! Double)
    o.initImage = try references.tensor("\(family).i2i_init")
    o.strength = Float(m["img2img_strength"] as! Double)
    o.posteriorNoise = try references.tensor("\(family).i2i_eps")
    o.latents = try references.tensor("\(family).i2i_noise")
    let img = try pipe.generate(o)
    let p = psnr(img.data, try references.floats("\(family).i2i_image"))
    #expect(p >= 40, "\(family) img2img PSNR \(p) dB")
    o.strength = 0.01
    #expect(throws: DiffusionError.self) { try pipe.generate(o) }
}

/// Each network stage of the tiny pipelines against diffusers (max |Δ| ≤ 1e-3 of the output's scale): one UNet
/// call on the guidance batch at the first timestep, one VAE decode of the initial latents, one VAE encode.
@Test(arguments: ["sd1", "sd2"]) func pipelineStagesMatchDiffusers(family: String) throws {
    let pipe = try StableDiffusionPipeline(checkpoint: DiffusionCheckpoint.load(fixtures.appendingPathComponent(family)), threads: 2)
    let embeds = try references.tensor("\(family).embeds")
    let out = try pipe.unet(references.tensor("\(family).unet_in"), timestep: references.floats("\(family).unet_t")[0], encoderHiddenStates: embeds)
    let want = try references.floats("\(family).unet_out")
    #expect(maxAbsDiff(out.data, want) <= 1e-3 * max(1, want.map(abs).max()!), "\(family) UNet")
    let lat = try references.tensor("\(family).latents")
    let dec = try pipe.vae.decode(Tensor(shape: lat.shape, data: lat.data.map { $0 / pipe.vae.config.scalingFactor }))
    let wantDec = try references.floats("\(family).vae_out")
    #expect(maxAbsDiff(dec.data, wantDec) <= 1e-3 * max(1, wantDec.map(abs).max()!), "\(family) VAE decode")
    let img = try references.tensor("\(family).image")
    let (mean, logvar) = try pipe.vae.encode(Tensor(shape: [1] + img.shape, data: img.data.map { $0 * 2 - 1 }))
    #expect(maxAbsDiff(mean.data, try references.floats("\(family).vae_mean")) <= 1e-3, "\(family) VAE encode mean")
    #expect(maxAbsDiff(logvar.data, try references.floats("\(family).vae_logvar")) <= 1e-3, "\(family) VAE encode logvar")
}
