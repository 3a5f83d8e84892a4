import Foundation
import Neural

/// Text-to-image (and img2img) with a Stable Diffusion checkpoint, step for step as diffusers'
/// `StableDiffusionPipeline`: CLIP text embeddings (negative first for classifier-free guidance), the initial
/// noise scaled by the scheduler's σ, one UNet call per step on the doubled batch, guidance, the scheduler update,
/// and the VAE decode of latents ÷ scaling_factor.
public final class StableDiffusionPipeline: Sendable {
    /// The loaded weights and configs.
    public let checkpoint: DiffusionCheckpoint
    /// The text encoder.
    public let textEncoder: CLIPTextEncoder
    /// The denoiser.
    public let unet: UNet2DCondition
    /// The autoencoder.
    public let vae: AutoencoderKL
    /// The scheduler settings (the checkpoint's, or SD's training schedule for single files).
    public let schedulerConfig: SchedulerConfig
    /// Defaults for absent options.
    public let defaults: PipelineDefaults

    /// Builds every network from the checkpoint, running their kernels on `threads` threads.
    /// - Throws: config, shape or scheduler errors as one line each.
    public init(checkpoint: DiffusionCheckpoint, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.checkpoint = checkpoint
        let pool = ComputeThreads(threads: threads)
        textEncoder = try CLIPTextEncoder(config: checkpoint.textConfig, weights: checkpoint.textWeights)
        let unetConfig: UNetConfig, vaeConfig: VAEConfig
        do {
            unetConfig = try checkpoint.unetConfigJSON.map { try JSONDecoder().decode(UNetConfig.self, from: $0) }
                ?? UNetConfig.inferred(from: checkpoint.unetWeights)
            vaeConfig = try checkpoint.vaeConfigJSON.map { try JSONDecoder().decode(VAEConfig.self, from: $0) }
                ?? VAEConfig.inferred(from: checkpoint.vaeWeights)
        } catch let e as DecodingError {
            throw DiffusionError.badConfig("unet or vae config.json: \(e)")
        }
        unet = try UNet2DCondition(config: unetConfig, weights: checkpoint.unetWeights, threads: pool)
        vae = try AutoencoderKL(config: vaeConfig, weights: checkpoint.vaeWeights, threads: pool)
        guard unetConfig.crossAttentionDim.allSatisfy({ $0 == checkpoint.textConfig.hiddenSize }) else {
            throw DiffusionError.badShape("unet cross-attention", expected: [checkpoint.textConfig.hiddenSize], got: unetConfig.crossAttentionDim)
        }
        schedulerConfig = try checkpoint.schedulerConfigJSON.map { try SchedulerConfig(json: $0) } ?? .stableDiffusion
        defaults = try Self.defaults(checkpoint, schedulerConfig, factor: vaeConfig.downsamplingFactor)
    }

    /// The VAE's downsampling factor f (8 for every real SD).
    public var factor: Int { vae.config.downsamplingFactor }

    static func defaults(_ ck: DiffusionCheckpoint, _ sc: SchedulerConfig, factor: Int) throws -> PipelineDefaults {
        var sampleSize = 64
        if let d = ck.unetConfigJSON, let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let s = o["sample_size"] as? Int { sampleSize = s }
        let kind = ck.schedulerConfigJSON == nil ? SchedulerKind.pndm : try sc.kind()
        let prediction = PredictionType(rawValue: sc.predictionType ?? "epsilon") ?? .epsilon
        let size = ck.unetConfigJSON == nil ? 512 : sampleSize * factor
        if kind == .eulerAncestral && sc.timestepSpacing == "trailing" {
            return PipelineDefaults(family: "sd-turbo", scheduler: kind, steps: 1, guidance: 0, size: size, prediction: prediction)
        }
        let family = ck.isOpenCLIP ? (prediction == .v ? "sd2-v" : "sd2") : "sd1"
        return PipelineDefaults(family: family, scheduler: kind, steps: 50, guidance: 7.5, size: size, prediction: prediction)
    }

    /// Prompt embeddings [1, 77, dim].
    /// - Throws: a text-encoder error.
    public func embed(_ text: String) throws -> Tensor {
        try textEncoder.encode([checkpoint.tokenizer.encode(text)])
    }

    /// The resolved size for `options`, checked against the VAE factor.
    /// - Throws: `DiffusionError.badOption` for a size that is not a positive multiple of f, or latents that disagree.
    public func size(for options: GenerationOptions) throws -> (width: Int, height: Int) {
        let f = factor
        var w = options.width, h = options.height
        if let l = options.latents, l.shape.count == 4 { w = w ?? l.shape[3] * f; h = h ?? l.shape[2] * f }
        if let i = options.initImage, i.shape.count == 4 { w = w ?? i.shape[3]; h = h ?? i.shape[2] }
        let width = w ?? defaults.size, height = h ?? defaults.size
        guard width > 0, height > 0, width % f == 0, height % f == 0, width <= 4096, height <= 4096 else {
            throw DiffusionError.badOption("--size \(width)x\(height) must be positive multiples of \(f) (the VAE's downsampling factor), at most 4096")
        }
        return (width, height)
    }

    /// Generates one image [1, 3, H, W] in 0...1.
    /// - Throws: option, shape or network errors as one line each.
    public func generate(_ options: GenerationOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Tensor {
        let guidance = options.guidance ?? defaults.guidance
        let cond = try embed(options.prompt)
        let uncond = guidance > 1 ? try embed(options.negativePrompt) : nil
        let latents = try denoise(cond: cond, uncond: uncond, options: options, progress: progress)
        return try decode(latents)
    }

    /// Decodes final latents (before ÷ scaling_factor) to an image [N, 3, H, W] in 0...1, as diffusers'
    /// `image_processor.postprocess` does ((x / 2 + 0.5) clamped).
    /// - Throws: a VAE error.
    public func decode(_ latents: Tensor) throws -> Tensor {
        let s = 1 / vae.config.scalingFactor
        var img = try vae.decode(Tensor(shape: latents.shape, data: latents.data.map { $0 * s }))
        for i in img.data.indices { img.data[i] = min(1, max(0, img.data[i] / 2 + 0.5)) }
        return img
    }
}
