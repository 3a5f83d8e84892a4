import ArgumentParser
import Diffusion
import Foundation
import Generation

/// text2video options that only `--model sd` uses.
struct DiffusionVideoOptions: ParsableArguments {
    @OptionGroup var common: DiffusionOptions

    @Option(help: "Frames per second rendered by diffusion; the rest are filled by optical flow (default: every frame).")
    var renderFps: Int?
}

extension Text2VideoCommand {
    /// `--model sd`: nateraw's prompt walk with the user's Stable Diffusion weights.
    func generateWithDiffusion() throws {
        let d = diffusion.common
        let weights = try d.weightsPath()
        guard prompt != nil || storyboard != nil else { throw CommandError("give a PROMPT or --storyboard FILE") }
        let out = URL(fileURLWithPath: output)
        try guardOutputs([output, preview], folders: [DiffusionVideoJob.cacheDirectory(for: out).path, frames],
                         inputs: [weights, storyboard, d.latents, audio])
        let sbData = try storyboard.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let walk = try DiffusionWalk.make(prompt: prompt, storyboardJSON: sbData, seconds: seconds, seed: seed ?? 0,
                                          negative: d.negative, loop: loop)
        let o = try d.generationOptions(prompt: walk.keyframes[0].prompt, size: size, seed: seed ?? 0)
        let pipe = try StableDiffusionPipeline(checkpoint: DiffusionCheckpoint.load(URL(fileURLWithPath: weights)))
        var job = DiffusionVideoJob(walk: walk, options: o, fps: fps, renderFPS: diffusion.renderFps, output: out, version: KinemaVersion.string)
        job.resume = resume
        job.audio = audio.map { URL(fileURLWithPath: $0) }
        job.framesDirectory = frames.map { URL(fileURLWithPath: $0, isDirectory: true) }
        job.preview = preview.map { URL(fileURLWithPath: $0) }
        job.segment = try segmenting.request()
        job.codec = encoding.resolvedCodec(for: out)
        job.crf = encoding.crf ?? job.crf
        job.preset = encoding.preset ?? job.preset
        let bar = ProgressBar(label: "text2video sd", total: job.renderedFrames.count, quiet: encoding.quiet || json)
        let result = try job.run(pipeline: pipe) { done, total in bar.update(done: done, total: total) }
        bar.finish()
        if json { try printJSON(result) }
    }
}
