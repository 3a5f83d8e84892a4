import Flow
import Neural

/// The learned painting looks (`painting:K` and blends) as a `Stylizer`: `PaintingNetwork` with one
/// fixed style blend, run at a working size whose long side is at most `maxWorkingSide`.
///
/// The network's brush strokes have a fixed size in its input pixels, so the network's input size
/// (`networkSide`, else the working size) also sets how coarse the painting looks.
public struct PaintingStylizer: Stylizer {
    /// Detail put back over the coherence carry (measured on bikes / bigbuckbunny; see the README).
    public var coherenceDetailRestore: Float { 0.8 }
    /// 5×5 box: measured better than 3×3 for this look.
    public var coherenceDetailRadius: Int { 2 }
    /// The network (shared weights).
    public let network: PaintingNetwork
    let conditioning: PaintingNetwork.Conditioning
    let team: ComputeTeam
    /// Texture steadying outside faces (`LearnedSteadying`); nil = the network output as is.
    var steadying: LearnedSteadying?
    /// Long side of the working size (frames larger than this are reduced by an integer factor).
    public var maxWorkingSide: Int
    /// Long side of the network's input (`LearnedFrame.atMost`); nil: the working size.
    public var networkSide: Int?

    /// Creates the look for one blend of the 26 styles (weights summing to 1).
    public init(network: PaintingNetwork, weights: [Float], maxWorkingSide: Int = 480, threads: Int = 2) {
        self.network = network
        conditioning = network.conditioning(weights: weights)
        team = ComputeTeam(threads: threads)
        self.maxWorkingSide = maxWorkingSide
    }

    /// Full size unless the frame is larger than `maxWorkingSide`.
    public var reduction: Int { 1 }

    /// The smallest integer factor that brings the long side to at most `maxWorkingSide`.
    public func reduction(forWidth width: Int, height: Int) -> Int {
        let side = max(width, height)
        return max(1, (side + maxWorkingSide - 1) / max(1, maxWorkingSide))
    }

    /// Runs the network on the planes, padded by edge replication to multiples of 4 (at least 16).
    public func stylize(_ rgb: [Plane]) -> [Plane] {
        LearnedFrame.stylize(rgb, networkSide: networkSide, steadying: steadying) { try network.run($0, conditioning, team: team) }
    }
}

/// Moving frames in and out of the learned networks' NHWC tensors.
enum LearnedFrame {
    /// The networks' strokes have a fixed size in pixels: below this long side they would cover whole
    /// eyes and mouths, so smaller frames are enlarged for the network and reduced again after it.
    static let minimumSide = 320

    /// Runs `body` on `rgb` enlarged (bilinear) by the integer factor that brings its long side to at
    /// least `side`, and box-reduces the result back to the original size.
    static func atLeast(_ side: Int, _ rgb: [Plane], _ body: ([Plane]) -> [Plane]) -> [Plane] {
        let w = rgb[0].width, h = rgb[0].height, long = max(w, h)
        guard long < side, long > 0 else { return body(rgb) }
        let f = (side + long - 1) / long
        let out = body(rgb.map { $0.resized(width: w * f, height: h * f) })
        return out.map { $0.boxReduced(by: f) }
    }

    /// Radius (network pixels) and ε of the guided upsampling in `atMost`: a 3×3 fit keeps the look's
    /// colours where the input's luma has edges, and ε = 10⁻³ (luma contrast about 0.03) fits only real edges.
    static let upsampleRadius = 1
    /// See `upsampleRadius`.
    static let upsampleEps: Float = 1e-3

    /// Runs `body` on `rgb` reduced (bilinear) so that its long side is `side` when it is longer (nil: as is),
    /// and brings the result back to `rgb`'s size by guided upsampling on the luma (`GuidedFilter.upsample`),
    /// so its edges follow the full-size input's.
    static func atMost(_ side: Int?, _ rgb: [Plane], _ body: ([Plane]) -> [Plane]) -> [Plane] {
        let w = rgb[0].width, h = rgb[0].height, long = max(w, h)
        guard let side, side > 0, long > side else { return body(rgb) }
        let sw = max(1, (w * side + long / 2) / long), sh = max(1, (h * side + long / 2) / long)
        let small = rgb.map { $0.resized(width: sw, height: sh) }
        return GuidedFilter.upsample(guide: RGBPlanes.luma(small), body(small), to: RGBPlanes.luma(rgb),
                                     radius: upsampleRadius, eps: upsampleEps)
    }

    /// A learned look of `rgb`: `network` maps an NHWC RGB tensor to its look; it runs on the planes enlarged to
    /// `minimumSide` (`atLeast`) or reduced to `networkSide` (`atMost`) and padded to multiples of 4 (`tensor`),
    /// and the look is steadied when `steadying` is set. The shapes are valid by construction, so the network
    /// cannot throw here; if it did, the frame would pass through as it is.
    static func stylize(_ rgb: [Plane], networkSide: Int?, steadying: LearnedSteadying?,
                        network: (Tensor) throws -> Tensor) -> [Plane] {
        atLeast(minimumSide, rgb) { planes in
            let look = atMost(networkSide, planes) { small in
                let (input, pw) = tensor(small)
                guard let out = try? network(input) else { return small }
                return LearnedFrame.planes(out, paddedWidth: pw, width: small[0].width, height: small[0].height)
            }
            return steadying?.apply(look: look, input: planes) ?? look
        }
    }

    /// RGB planes as [1, H', W', 3], H' and W' the sizes rounded up to multiples of 4 (at least 16),
    /// padded by edge replication; returns the tensor and W'.
    static func tensor(_ rgb: [Plane]) -> (Tensor, Int) {
        let w = rgb[0].width, h = rgb[0].height
        let pw = max(16, (w + 3) / 4 * 4), ph = max(16, (h + 3) / 4 * 4)
        var data = [Float](repeating: 0, count: pw * ph * 3)
        for y in 0..<ph {
            let sy = min(y, h - 1) * w
            for x in 0..<pw {
                let s = sy + min(x, w - 1), d = (y * pw + x) * 3
                data[d] = rgb[0].data[s]; data[d + 1] = rgb[1].data[s]; data[d + 2] = rgb[2].data[s]
            }
        }
        return ((try? Tensor(shape: [1, ph, pw, 3], data: data)) ?? Tensor(shape: [1, ph, pw, 3]), pw)
    }

    /// The top-left `width`×`height` of an NHWC RGB tensor whose rows are `paddedWidth` wide, as planes.
    static func planes(_ t: Tensor, paddedWidth pw: Int, width w: Int, height h: Int) -> [Plane] {
        var planes = [Plane(width: w, height: h), Plane(width: w, height: h), Plane(width: w, height: h)]
        for c in 0..<3 {
            planes[c].data.withUnsafeMutableBufferPointer { d in
                t.data.withUnsafeBufferPointer { o in
                    for y in 0..<h { for x in 0..<w { d[y * w + x] = o[(y * pw + x) * 3 + c] } }
                }
            }
        }
        return planes
    }
}

extension Plane {
    /// The mean of each `f`×`f` block (the plane's size must be a multiple of `f`).
    func boxReduced(by f: Int) -> Plane {
        let ow = width / f, oh = height / f, w = width
        var out = Plane(width: ow, height: oh)
        let norm = 1 / Float(f * f)
        data.withUnsafeBufferPointer { s in
            out.data.withUnsafeMutableBufferPointer { d in
                for y in 0..<oh {
                    for x in 0..<ow {
                        var acc: Float = 0
                        for j in 0..<f { for i in 0..<f { acc += s[(y * f + j) * w + x * f + i] } }
                        d[y * ow + x] = acc * norm
                    }
                }
            }
        }
        return out
    }
}
