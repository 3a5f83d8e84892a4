import ArgumentParser
import Diffusion
import Foundation

/// Options shared by `text2image` and `text2video --model sd`; parsed as strings and checked by the Diffusion library.
struct DiffusionOptions: ParsableArguments {
    @Option(help: "Stable Diffusion weights: a diffusers folder or a single .safetensors checkpoint.")
    var weights: String?

    @Option(help: "Negative prompt (used when guidance > 1).")
    var negative: String = ""

    @Option(help: "Denoising steps (default: the family's).")
    var steps: Int?

    @Option(help: "Classifier-free guidance scale (default: the family's).")
    var guidance: Float?

    @Option(help: "Sampler: pndm, euler, euler-a, ddim, dpmpp-2m or lcm (default: the checkpoint's scheduler config).")
    var scheduler: String?

    @Option(help: "What the UNet predicts: epsilon or v (SD 2.x 768-v single files need v).")
    var prediction: String?

    @Option(help: "Initial noise: a .safetensors file with a float32 tensor 'latents' [1, C, H/8, W/8] (diffusers' latents=).")
    var latents: String?

    /// The weights path, required by both commands.
    /// - Throws: `CommandError` when `--weights` is absent.
    func weightsPath() throws -> String {
        guard let weights else { throw CommandError("Stable Diffusion needs --weights PATH (a diffusers folder or a .safetensors file)") }
        return weights
    }

    /// The library options for `prompt` at `size` (WIDTHxHEIGHT, nil = the model's native size) and `seed`.
    /// - Throws: one-line errors for bad enumerated values, sizes or latents files.
    func generationOptions(prompt: String, size: String?, seed: UInt64) throws -> GenerationOptions {
        var o = GenerationOptions(prompt: prompt)
        o.negativePrompt = negative
        o.steps = steps
        o.guidance = guidance
        o.scheduler = try scheduler.map { try SchedulerKind(option: $0) }
        o.prediction = try prediction.map { try PredictionType(option: $0) }
        if let size {
            let p = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard p.count == 2 else { throw CommandError("--size must look like 512x512") }
            o.width = p[0]; o.height = p[1]
        }
        o.seed = seed
        o.latents = try latents.map { try StableDiffusionPipeline.readLatents(URL(fileURLWithPath: $0)) }
        return o
    }
}
