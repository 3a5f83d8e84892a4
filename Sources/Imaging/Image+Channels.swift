/// Weights for turning RGB into a single grey channel.
public enum LumaWeights: Sendable {
    /// ITU-R BT.709 / sRGB primaries: 0.2126 R + 0.7152 G + 0.0722 B.
    case rec709
    /// ITU-R BT.601 (what OpenCV's RGB2GRAY uses): 0.299 R + 0.587 G + 0.114 B.
    case rec601

    /// The (r, g, b) weights.
    public var rgb: SIMD3<Float> {
        switch self {
        case .rec709: return SIMD3(0.2126, 0.7152, 0.0722)
        case .rec601: return SIMD3(0.299, 0.587, 0.114)
        }
    }
}

extension Image {
    /// A 1-channel grey image: the weighted sum of R, G, B as stored (so on sRGB input
    /// this is gamma-encoded luma Y', not linear luminance). Default weights Rec.709;
    /// a 1-channel image is returned as is, alpha is ignored.
    public func luminance(_ weights: LumaWeights = .rec709) -> Image {
        if channels == 1 { return self }
        precondition(channels >= 3, "luminance needs 1, 3 or 4 channels, got \(channels)")
        let wt = weights.rgb, ch = channels
        var out = [Float](repeating: 0, count: pixelCount)
        data.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for p in 0..<d.count {
                    d[p] = wt.x * s[p * ch] + wt.y * s[p * ch + 1] + wt.z * s[p * ch + 2]
                }
            }
        }
        return Image(width: width, height: height, channels: 1, data: out)
    }

    /// Channel `c` as a 1-channel image.
    public func channel(_ c: Int) -> Image {
        precondition(c >= 0 && c < channels, "channel \(c) out of 0..<\(channels)")
        return Image(width: width, height: height, channels: 1, data: plane(c))
    }

    /// Channel `c` as a planar array of `width * height` values.
    public func plane(_ c: Int) -> [Float] {
        precondition(c >= 0 && c < channels, "channel \(c) out of 0..<\(channels)")
        let ch = channels
        var out = [Float](repeating: 0, count: pixelCount)
        data.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for p in 0..<d.count { d[p] = s[p * ch + c] }
            }
        }
        return out
    }

    /// All channels as separate planar arrays.
    public func planes() -> [[Float]] { (0..<channels).map(plane) }

    /// All channels as one CHW array (channel-major), the layout of NCHW tensors.
    public func planar() -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(data.count)
        for c in 0..<channels { out.append(contentsOf: plane(c)) }
        return out
    }

    /// Interleaves planar channels (each `width * height` values) into an image.
    public init(width: Int, height: Int, planes: [[Float]]) {
        precondition(!planes.isEmpty, "need at least one plane")
        let n = width * height, ch = planes.count
        var out = [Float](repeating: 0, count: n * ch)
        for (c, p) in planes.enumerated() {
            precondition(p.count == n, "plane \(c) has \(p.count) values, expected \(n)")
            p.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { d in
                    for i in 0..<n { d[i * ch + c] = s[i] }
                }
            }
        }
        self.init(width: width, height: height, channels: ch, data: out)
    }

    /// Interleaves a CHW (channel-major) array into an image.
    public init(width: Int, height: Int, channels: Int, planar: [Float]) {
        let n = width * height
        precondition(planar.count == n * channels, "planar data has \(planar.count) values, expected \(n * channels)")
        self.init(width: width, height: height, planes: (0..<channels).map { Array(planar[($0 * n)..<(($0 + 1) * n)]) })
    }

    /// Stacks same-sized images' channels into one image (e.g. three greys into RGB).
    public static func merged(_ images: [Image]) -> Image {
        precondition(!images.isEmpty, "nothing to merge")
        let w = images[0].width, h = images[0].height
        return Image(width: w, height: h, planes: images.flatMap { img -> [[Float]] in
            precondition(img.width == w && img.height == h, "merged images differ in size")
            return img.planes()
        })
    }

    /// Per-channel mean and standard deviation, weighted by `mask` (1 channel, same
    /// size, weights ≥ 0; nil means all pixels). Returns zeros when the weights sum to 0.
    /// Accumulates in Double, so large images do not lose precision.
    public func channelStatistics(mask: Image? = nil) -> (mean: [Float], std: [Float]) {
        if let mask {
            precondition(mask.width == width && mask.height == height && mask.channels == 1, "mask must be 1-channel, \(width)x\(height)")
        }
        let ch = channels
        var sum = [Double](repeating: 0, count: ch), sq = [Double](repeating: 0, count: ch)
        var total = 0.0
        data.withUnsafeBufferPointer { s in
            let m = mask?.data
            for p in 0..<pixelCount {
                let w = m.map { Double($0[p]) } ?? 1
                if w <= 0 { continue }
                total += w
                for c in 0..<ch {
                    let v = Double(s[p * ch + c])
                    sum[c] += w * v
                    sq[c] += w * v * v
                }
            }
        }
        guard total > 0 else { return ([Float](repeating: 0, count: ch), [Float](repeating: 0, count: ch)) }
        let mean = sum.map { $0 / total }
        let std = (0..<ch).map { max(0, sq[$0] / total - mean[$0] * mean[$0]).squareRoot() }
        return (mean.map(Float.init), std.map(Float.init))
    }
}
