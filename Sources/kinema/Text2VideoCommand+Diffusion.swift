import ArgumentParser
import Diffusion
import Foundation
import Generation

/// text2video options that only `--model sd` uses.
struct DiffusionVideoOptions: ParsableArguments {
    @Option(help: "Stable Diffusion weights: a diffusers folder or a single .safetensors checkpoint (with --model sd).")
    var weights: String?

    @Option(help: "Negative prompt for every keyframe (a storyboard keyframe's 'negative' field overrides it).")
    var negative: String = ""

    @Option(help: "Denoising steps per frame (default: the family's).")
    var steps: Int?

    @Option(help: "Classifier-free guidance scale (default: the family's).")
    var guidance: Float?

    @Option(help: "Sampler: pndm, euler, euler-a, ddim, dpmpp-2m or lcm.")
    var scheduler: String?

    @Option(help: "What the UNet predicts: epsilon or v.")
    var prediction: String?

    @Option(help: "Initial noise of the first keyframe (.safetensors with a float32 'latents' [1, C, H/8, W/8]).")
    var latents: String?

    @Option(help: "Frames per second rendered by diffusion; the rest are filled by optical flow (default: every frame).")
    var renderFps: Int?
}

extension Text2VideoCommand {
    /// `--model sd`: nateraw's prompt walk with the user's Stable Diffusion weights.
    func generateWithDiffusion() throws {
        let d = diffusion
        guard let weights = d.weights else { throw CommandError("--model sd needs --weights PATH (a diffusers folder or a .safetensors file)") }
        guard prompt != nil || storyboard != nil else { throw CommandError("give a PROMPT or --storyboard FILE") }
        guard frames == nil, preview == nil, audio == nil else {
            throw CommandError("--frames, --preview and --audio are not available with --model sd yet")
        }
        let out = URL(fileURLWithPath: output)
        try guardOutputs([output], folders: [DiffusionVideoJob.cacheDirectory(for: out).path], inputs: [weights, storyboard, d.latents])
        let sbData = try storyboard.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let walk = try DiffusionWalk.make(prompt: prompt, storyboardJSON: sbData, seconds: seconds, seed: seed ?? 0,
                                          negative: d.negative, loop: loop)
        var o = GenerationOptions(prompt: walk.keyframes[0].prompt)
        o.steps = d.steps
        o.guidance = d.guidance
        o.scheduler = try d.scheduler.map { try SchedulerKind(option: $0) }
        o.prediction = try d.prediction.map { try PredictionType(option: $0) }
        let (w, h) = try parseDiffusionSize(size)
        o.width = w; o.height = h
        o.latents = try d.latents.map { try StableDiffusionPipeline.readLatents(URL(fileURLWithPath: $0)) }
        let pipe = try StableDiffusionPipeline(checkpoint: DiffusionCheckpoint.load(URL(fileURLWithPath: weights)))
        var job = DiffusionVideoJob(walk: walk, options: o, fps: fps, renderFPS: d.renderFps, output: out, version: KinemaVersion.string)
        job.resume = resume
        let bar = ProgressBar(label: "text2video sd", total: job.renderedFrames.count, quiet: quiet || json)
        let result = try job.run(pipeline: pipe) { done, total in bar.update(done: done, total: total) }
        bar.finish()
        if json { try printJSON(result) }
    }
}
