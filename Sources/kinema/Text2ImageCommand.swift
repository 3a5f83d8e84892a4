import ArgumentParser
import Diffusion
import Foundation
import Neural
import VideoIO

/// `kinema text2image PROMPT --model sd --weights PATH -o OUT.png`: one image from the user's Stable Diffusion weights.
struct Text2ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text2image",
        abstract: "Generate an image with the Stable Diffusion weights you bring (SD 1.5, SD 2.1, SD-Turbo), on the CPU.",
        discussion: """
            --weights is a diffusers pipeline folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/)
            or one original-layout .safetensors checkpoint. Pickle checkpoints (.ckpt, .pt, .bin) are refused: convert
            them to safetensors first. Absent options take the family's defaults (SD 1.x/2.x: the checkpoint's scheduler,
            50 steps, guidance 7.5; SD-Turbo: 1 step, guidance 0). The image carries a synthetic-media label.
            """)

    @Argument(help: "The prompt, given to the text encoder as written.")
    var prompt: String

    @Option(help: "Model family (only 'sd' generates images).")
    var model: String = "sd"

    @Option(help: "A diffusers folder or a single .safetensors checkpoint.")
    var weights: String

    @Option(name: .shortAndLong, help: "Output image (.png, .jpg).")
    var output: String

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

    @Option(help: "Output size WIDTHxHEIGHT, multiples of 8 (default: the model's native size).")
    var size: String?

    @Option(help: "Seed of the initial noise.")
    var seed: UInt64 = 0

    @Option(help: "Initial noise: a .safetensors file with a float32 tensor 'latents' [1, C, H/8, W/8] (diffusers' latents=).")
    var latents: String?

    @Option(help: "Compute threads (default: all cores).")
    var threads: Int?

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        reexecWithFasterBLASIfNeeded()
        BLASCore.useOwnParallelism()
        try runCommand { try generate() }
    }

    private func generate() throws {
        guard model == "sd" else { throw CommandError("text2image --model must be 'sd' (Stable Diffusion weights given with --weights)") }
        try guardOutputs([output], inputs: [weights, latents])
        var o = GenerationOptions(prompt: prompt)
        o.negativePrompt = negative
        o.steps = steps
        o.guidance = guidance
        o.scheduler = try scheduler.map { try SchedulerKind(option: $0) }
        o.prediction = try prediction.map { try PredictionType(option: $0) }
        if let size { let (w, h) = try parseDiffusionSize(size); o.width = w; o.height = h }
        o.seed = seed
        o.latents = try latents.map { try StableDiffusionPipeline.readLatents(URL(fileURLWithPath: $0)) }
        let start = Date()
        let pipe = try StableDiffusionPipeline(checkpoint: DiffusionCheckpoint.load(URL(fileURLWithPath: weights)),
                                               threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let loaded = Date()
        let total = o.steps ?? pipe.defaults.steps
        let bar = ProgressBar(label: "text2image", total: total, quiet: quiet || json)
        let image = try pipe.generate(o) { done, all in bar.update(done: done, total: all) }
        bar.finish()
        let label = StableDiffusionPipeline.label(version: KinemaVersion.string, seed: seed)
        let url = URL(fileURLWithPath: output)
        try ImageFile.write(StableDiffusionPipeline.byteImage(image), to: url, label: label,
                            inputs: [URL(fileURLWithPath: weights)] + (latents.map { [URL(fileURLWithPath: $0)] } ?? []))
        let seconds = Date().timeIntervalSince(loaded)
        if json {
            try printJSON(Text2ImageSummary(output: output, width: image.shape[3], height: image.shape[2], family: pipe.defaults.family,
                                            scheduler: (o.scheduler ?? pipe.defaults.scheduler).rawValue, steps: total,
                                            guidance: o.guidance ?? pipe.defaults.guidance, seed: seed,
                                            loadSeconds: loaded.timeIntervalSince(start), seconds: seconds, label: label))
        }
    }
}

/// Parses WIDTHxHEIGHT (the library checks the multiple of the VAE factor).
func parseDiffusionSize(_ text: String) throws -> (Int, Int) {
    let p = text.lowercased().split(separator: "x").compactMap { Int($0) }
    guard p.count == 2 else { throw CommandError("--size must look like 512x512") }
    return (p[0], p[1])
}

/// `--json` output of text2image.
struct Text2ImageSummary: Encodable {
    let output: String, width: Int, height: Int, family: String, scheduler: String, steps: Int, guidance: Float, seed: UInt64
    let loadSeconds: Double, seconds: Double, label: String
}
