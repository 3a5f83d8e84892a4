import Foundation
import Neural

extension StableDiffusionPipeline {
    /// Runs the sampler from the initial noise (or the noised img2img latents) to clean latents [1, C, H/f, W/f].
    /// `cond` is the prompt's embedding [1, 77, dim]; `uncond`, when given, enables classifier-free guidance.
    /// - Throws: `DiffusionError.badOption` for inconsistent latents, image or strength; network errors.
    public func denoise(cond: Tensor, uncond: Tensor?, options: GenerationOptions,
                        progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Tensor {
        let (width, height) = try size(for: options)
        let f = factor, c = unet.config.latentChannels
        let shape = [1, c, height / f, width / f], count = shape.reduce(1, *)
        let guidance = options.guidance ?? defaults.guidance
        var scheduler = try Scheduler(options.scheduler ?? defaults.scheduler, config: schedulerConfig,
                                      steps: options.steps ?? defaults.steps, prediction: options.prediction)
        var rng = GaussianNoise(seed: options.seed)
        let noise: Tensor
        if let l = options.latents {
            guard l.shape == shape else {
                throw DiffusionError.badOption("--latents has shape \(l.shape); \(width)x\(height) needs \(shape)")
            }
            noise = l
        } else {
            noise = rng.tensor(shape)
        }
        var x: [Float], start = 0
        if let image = options.initImage {
            guard image.shape == [1, 3, height, width] else {
                throw DiffusionError.badOption("the init image has shape \(image.shape); expected [1, 3, \(height), \(width)]")
            }
            guard options.strength > 0, options.strength <= 1 else { throw DiffusionError.badOption("strength must be in (0, 1]") }
            // diffusers' get_timesteps counts requested steps (PNDM's schedule holds one more entry than that).
            let steps = scheduler.stepsRequested
            let run = min(Int(Float(steps) * options.strength), steps)
            guard run >= 1 else { throw DiffusionError.badOption("strength \(options.strength) leaves no step of \(steps) to run") }
            start = steps - run
            let (mean, logvar) = try vae.encode(image)
            // diffusers samples the latent distribution (mean + std·ε) and scales by scaling_factor.
            let eps = options.posteriorNoise?.data ?? rng.normals(mean.count)
            guard eps.count == mean.count else { throw DiffusionError.badOption("posterior noise must have shape \(mean.shape)") }
            let sample = mean.data.indices.map { mean.data[$0] + expf(0.5 * logvar.data[$0]) * eps[$0] }
            let initial = sample.map { $0 * vae.config.scalingFactor }
            x = scheduler.addNoise(initial, noise: noise.data, step: start)
        } else {
            let sigma = scheduler.initNoiseSigma
            x = noise.data.map { $0 * sigma }
        }
        let guided = uncond != nil && guidance > 1
        let states: Tensor
        if guided, let uncond {
            guard uncond.shape == cond.shape else { throw DiffusionError.badOption("negative and positive embeddings differ in shape") }
            states = try Tensor(shape: [2] + cond.shape.dropFirst(), data: uncond.data + cond.data)
        } else {
            states = cond
        }
        let total = scheduler.timesteps.count - start
        for i in start..<scheduler.timesteps.count {
            let input = scheduler.scaleModelInput(x, step: i)
            let batch = try Tensor(shape: [guided ? 2 : 1] + shape.dropFirst(), data: guided ? input + input : input)
            let out = try unet(batch, timestep: scheduler.timesteps[i], encoderHiddenStates: states).data
            let eps = guided ? (0..<count).map { out[$0] + guidance * (out[count + $0] - out[$0]) } : out
            x = try scheduler.step(eps, step: i, sample: x, noise: scheduler.usesNoise ? rng.normals(count) : nil)
            progress?(i - start + 1, total)
        }
        return try Tensor(shape: shape, data: x)
    }
}
