import Flow
import Neural

/// `--style neural --style-image PICTURE`: Ghiasi arbitrary stylisation as a `Stylizer`. The style
/// vector is predicted once, when the styliser is made; every frame then runs only the transform, at
/// a working size whose long side is at most `maxWorkingSide`.
public struct NeuralStylizer: Stylizer {
    /// The networks (shared weights).
    public let network: ArbitraryStyleNetwork
    /// The style picture's 100-value style vector.
    public let styleVector: Tensor
    let team: ComputeTeam
    /// Texture steadying outside faces (`LearnedSteadying`); nil = the network output as is.
    var steadying: LearnedSteadying?
    /// Long side of the working size (frames larger than this are reduced by an integer factor).
    public var maxWorkingSide: Int
    /// Long side of the transform's input (`LearnedFrame.atMost`); nil: the working size.
    public var networkSide: Int?

    /// Predicts the style vector of `style` (RGB planes of any size; resized to 256×256).
    /// - Throws: `ONNXError` if the network cannot run (it can for any picture of at least 1×1).
    public init(network: ArbitraryStyleNetwork, style: [Plane], maxWorkingSide: Int = 480, threads: Int = 2) throws {
        self.network = network
        team = ComputeTeam(threads: threads)
        self.maxWorkingSide = maxWorkingSide
        var p = style
        let side = ArbitraryStyleNetwork.styleSide
        // Halve (box filter) while at least twice the target, then bilinear: no aliasing from big pictures.
        while p[0].width >= 2 * side && p[0].height >= 2 * side { p = p.map { $0.halved() } }
        p = p.map { $0.resized(width: side, height: side) }
        let (picture, _) = LearnedFrame.tensor(p)
        styleVector = try network.styleVector(picture, team: team)
    }

    /// Full size unless the frame is larger than `maxWorkingSide`.
    public var reduction: Int { 1 }

    /// The smallest integer factor that brings the long side to at most `maxWorkingSide`.
    public func reduction(forWidth width: Int, height: Int) -> Int {
        max(1, (max(width, height) + maxWorkingSide - 1) / max(1, maxWorkingSide))
    }

    /// Runs the transform on the planes (padded to multiples of 4 by edge replication).
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        LearnedFrame.stylize(rgb, networkSide: networkSide, steadying: steadying) {
            try network.stylize($0, style: styleVector, team: team)
        }
    }
}
