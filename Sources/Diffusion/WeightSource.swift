import Neural

/// Where a diffusion network reads its parameters from.
///
/// Networks (UNet, VAE, text encoders) only ever see **diffusers / transformers tensor names**
/// (`down_blocks.0.resnets.0.conv1.weight`, `text_model.encoder.layers.0.mlp.fc1.weight`, ...).
/// Loaders for other layouts (single-file checkpoints with `model.diffusion_model.*`) rename keys
/// before a network sees them. Implementations keep fp16/bf16 data in its stored form (memory-mapped)
/// and convert on request, so a model never needs a full float32 copy of itself.
public protocol WeightSource: Sendable {
    /// The stored shape of the named tensor (PyTorch order), or nil when it is absent.
    func shape(of name: String) -> [Int]?
    /// The named tensor converted to float32, in stored row-major order.
    /// - Throws: when the tensor is absent or cannot be read.
    func floats(_ name: String) throws -> [Float]
    /// All tensor names this source holds.
    var names: [String] { get }
}

extension WeightSource {
    /// A view whose names are relative to `prefix` (for example `"unet."` or `"vae.decoder."`).
    public func scoped(_ prefix: String) -> ScopedWeights { ScopedWeights(base: self, prefix: prefix) }
}

/// A `WeightSource` seen through a name prefix.
public struct ScopedWeights: WeightSource {
    /// The source being viewed.
    public let base: any WeightSource
    /// Prepended to every name looked up.
    public let prefix: String

    /// Wraps `base` so that `x` means `prefix + x`.
    public init(base: any WeightSource, prefix: String) {
        self.base = base
        self.prefix = prefix
    }

    public func shape(of name: String) -> [Int]? { base.shape(of: prefix + name) }
    public func floats(_ name: String) throws -> [Float] { try base.floats(prefix + name) }
    public var names: [String] {
        base.names.compactMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
    }
}
