import Foundation
import Neural

/// What to generate. Absent values take the model family's defaults (`PipelineDefaults`).
public struct GenerationOptions: Sendable {
    /// The prompt, given to the text encoder as written.
    public var prompt: String
    /// The negative prompt (empty = unconditional), used when guidance > 1.
    public var negativePrompt: String = ""
    /// Denoising steps.
    public var steps: Int?
    /// Classifier-free guidance scale; guidance ≤ 1 runs the UNet once per step without the negative prompt.
    public var guidance: Float?
    /// Sampler (default: the checkpoint's scheduler config, or PNDM for a single file).
    public var scheduler: SchedulerKind?
    /// What the UNet predicts (default: the scheduler config's, or epsilon).
    public var prediction: PredictionType?
    /// Output width and height in pixels, multiples of the VAE factor.
    public var width: Int?, height: Int?
    /// Seed of the initial noise (and of ancestral/LCM noise).
    public var seed: UInt64 = 0
    /// Unscaled initial noise [1, latentChannels, H/f, W/f], exactly diffusers' `latents=`.
    public var latents: Tensor?
    /// img2img: the starting image [1, 3, H, W] in [-1, 1].
    public var initImage: Tensor?
    /// img2img: how much of the schedule to run (0 keeps the image, 1 ignores it).
    public var strength: Float = 0.8
    /// img2img: the ε that samples the VAE posterior (mean + σ·ε), [1, C, H/f, W/f]; drawn from the seed when nil.
    /// With `latents` as the added noise, an img2img run can be reproduced against diffusers.
    public var posteriorNoise: Tensor?

    /// Options for `prompt` with every other value defaulted.
    public init(prompt: String) { self.prompt = prompt }
}

/// A family's documented defaults: diffusers' pipeline defaults (SD 1.x / 2.x: 50 steps, guidance 7.5, the UNet's
/// native size) and SD-Turbo's (1 step, guidance 0).
public struct PipelineDefaults: Sendable, Equatable {
    /// Family name for reports (`sd1`, `sd2`, `sd2-v`, `sd-turbo`).
    public var family: String
    /// Sampler.
    public var scheduler: SchedulerKind
    /// Steps.
    public var steps: Int
    /// Guidance scale.
    public var guidance: Float
    /// Square output size in pixels.
    public var size: Int
    /// Prediction type.
    public var prediction: PredictionType
}
