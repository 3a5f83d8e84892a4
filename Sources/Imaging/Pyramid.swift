/// A Gaussian pyramid: level 0 is the input, each further level is the previous one
/// blurred with the 5-tap binomial kernel [1 4 6 4 1]/16 and subsampled by 2
/// (size `(n + 1) / 2`, so odd sizes keep their last pixel), Burt & Adelson style.
public struct GaussianPyramid: Sendable {
    /// The levels, finest first.
    public var levels: [Image]

    /// Builds up to `levels` levels (at least 1), stopping early once a level is 1×1.
    public init(_ image: Image, levels count: Int) {
        var list = [image]
        while list.count < max(1, count) {
            let top = list[list.count - 1]
            if top.width <= 1 && top.height <= 1 { break }
            list.append(top.pyramidReduced())
        }
        levels = list
    }

    /// Number of levels.
    public var count: Int { levels.count }

    /// Level `i` (0 is the finest).
    public subscript(i: Int) -> Image { levels[i] }
}

/// A Laplacian pyramid: band-pass levels `G_i - expand(G_{i+1})` with the coarsest
/// Gaussian level on top, so `collapse()` rebuilds the input exactly (up to rounding).
public struct LaplacianPyramid: Sendable {
    /// The levels, finest first; the last one is the low-pass residual.
    public var levels: [Image]

    /// Builds up to `levels` levels (see `GaussianPyramid`).
    public init(_ image: Image, levels count: Int) {
        self.init(gaussian: GaussianPyramid(image, levels: count))
    }

    /// Builds the Laplacian pyramid of an existing Gaussian pyramid.
    public init(gaussian g: GaussianPyramid) {
        var list: [Image] = []
        for i in 0..<(g.count - 1) {
            let fine = g.levels[i]
            list.append(fine.subtracting(g.levels[i + 1].pyramidExpanded(width: fine.width, height: fine.height)))
        }
        list.append(g.levels[g.count - 1])
        levels = list
    }

    /// Wraps precomputed levels (finest first, residual last).
    public init(levels: [Image]) {
        precondition(!levels.isEmpty, "a pyramid needs at least one level")
        self.levels = levels
    }

    /// Number of levels.
    public var count: Int { levels.count }

    /// Level `i` (0 is the finest).
    public subscript(i: Int) -> Image { levels[i] }

    /// Rebuilds the full-resolution image: expand the residual, add each band, finest last.
    public func collapse() -> Image {
        var current = levels[levels.count - 1]
        for i in stride(from: levels.count - 2, through: 0, by: -1) {
            let band = levels[i]
            current = band.adding(current.pyramidExpanded(width: band.width, height: band.height))
        }
        return current
    }

    /// Multi-band blend (Burt & Adelson 1983): each band is mixed with the mask's
    /// Gaussian pyramid, `m * a + (1 - m) * b`, then the result is collapsed.
    ///
    /// `mask` has 1 channel (shared by all channels) or as many as the images, values
    /// in 0...1 (1 selects `a`); `a`, `b` and `mask` share width and height.
    public static func blend(_ a: Image, _ b: Image, mask: Image, levels: Int) -> Image {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "blend images differ in shape")
        precondition(mask.width == a.width && mask.height == a.height, "mask size differs from the images")
        precondition(mask.channels == 1 || mask.channels == a.channels, "mask needs 1 or \(a.channels) channels")
        let la = LaplacianPyramid(a, levels: levels)
        let lb = LaplacianPyramid(b, levels: levels)
        let gm = GaussianPyramid(mask, levels: levels)
        var out: [Image] = []
        for i in 0..<la.count {
            out.append(Image.mixed(la.levels[i], lb.levels[i], mask: gm.levels[i]))
        }
        return LaplacianPyramid(levels: out).collapse()
    }
}

extension Image {
    /// One pyramid step down: binomial 5-tap blur and 2× subsampling, clamp-to-edge.
    public func pyramidReduced() -> Image {
        let kernel: [Double] = [1.0 / 16, 4.0 / 16, 6.0 / 16, 4.0 / 16, 1.0 / 16]
        func table(_ n: Int) -> AxisTable {
            AxisTable(inCount: n, outCount: (n + 1) / 2) { j, list in
                for k in 0..<5 { list.append((2 * j + k - 2, kernel[k])) }
            }
        }
        return resampledSeparable(x: table(width), y: table(height))
    }

    /// One pyramid step up to `width`×`height` (normally `2n` or `2n - 1`): the
    /// transpose of `pyramidReduced`'s filter, i.e. even outputs take
    /// (1, 6, 1)/8 of their neighbours and odd outputs the mean of two.
    public func pyramidExpanded(width outW: Int, height outH: Int) -> Image {
        func table(_ n: Int, _ m: Int) -> AxisTable {
            AxisTable(inCount: n, outCount: m) { i, list in
                let j = i / 2
                if i % 2 == 0 {
                    list.append((j - 1, 0.125)); list.append((j, 0.75)); list.append((j + 1, 0.125))
                } else {
                    list.append((j, 0.5)); list.append((j + 1, 0.5))
                }
            }
        }
        return resampledSeparable(x: table(width, outW), y: table(height, outH))
    }
}
