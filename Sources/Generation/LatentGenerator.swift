import Imaging

/// A generative model that decodes latent vectors into images.
///
/// Backends register in `GeneratorRegistry` so the CLI's `--model` can pick one.
public protocol LatentGenerator: Sendable {
    /// Short name used by `--model`.
    var name: String { get }
    /// Number of values in one latent vector.
    var latentSize: Int { get }
    /// Native output size (width, height) in pixels.
    var nativeSize: (width: Int, height: Int) { get }
    /// Decodes a batch of latents (each `latentSize` long) into sRGB images in 0...1.
    /// - Throws: if a latent has the wrong length or the model fails.
    func decode(_ latents: [[Float]]) throws -> [Image]
}
