import Foundation

/// Interpolation kernels for `Image.resized(width:height:filter:)`.
public enum ResizeFilter: String, Sendable, CaseIterable {
    /// Triangle kernel, support 1 (2 taps when upscaling).
    case bilinear
    /// Keys cubic convolution with a = -0.5 (Catmull-Rom), support 2.
    case bicubic
    /// Lanczos windowed sinc, support 3.
    case lanczos3
    /// Box averaging by exact pixel-area coverage; the right choice for downscaling.
    case area

    /// Half-width of the kernel in input pixels at unit scale.
    var support: Double {
        switch self {
        case .bilinear: return 1
        case .bicubic: return 2
        case .lanczos3: return 3
        case .area: return 0.5
        }
    }

    /// Kernel value at offset `t` (input pixels, unit scale).
    func kernel(_ t: Double) -> Double {
        let x = abs(t)
        switch self {
        case .bilinear:
            return max(0, 1 - x)
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
            return 0
        case .lanczos3:
            if x < 1e-8 { return 1 }
            if x >= 3 { return 0 }
            let px = Double.pi * x
            return 3 * sin(px) * sin(px / 3) / (px * px)
        case .area:
            return x <= 0.5 ? 1 : 0
        }
    }

    /// Builds the weight table mapping `inCount` samples to `outCount`.
    ///
    /// Pixel-centre convention: output `o` sits at input coordinate
    /// `(o + 0.5) * scale - 0.5`, `scale = inCount / outCount`. When shrinking, the
    /// interpolating kernels are stretched by `scale` so they also low-pass
    /// (antialias); `.area` integrates the exact footprint `[o*scale, (o+1)*scale)`.
    func table(inCount: Int, outCount: Int) -> AxisTable {
        let scale = Double(inCount) / Double(outCount)
        if self == .area {
            return AxisTable(inCount: inCount, outCount: outCount) { o, list in
                let lo = Double(o) * scale, hi = Double(o + 1) * scale
                var i = Int(lo.rounded(.down))
                while Double(i) < hi {
                    let overlap = min(hi, Double(i + 1)) - max(lo, Double(i))
                    if overlap > 1e-12 { list.append((i, overlap / scale)) }
                    i += 1
                }
            }
        }
        let stretch = max(1, scale)
        let reach = support * stretch
        return AxisTable(inCount: inCount, outCount: outCount) { o, list in
            let centre = (Double(o) + 0.5) * scale - 0.5
            let first = Int((centre - reach).rounded(.down))
            let last = Int((centre + reach).rounded(.up))
            var sum = 0.0
            for i in first...last {
                let w = kernel((Double(i) - centre) / stretch)
                if w != 0 { list.append((i, w)); sum += w }
            }
            if sum != 0 { for j in list.indices { list[j].1 /= sum } }
        }
    }
}

extension Image {
    /// Returns the image resampled to `width`×`height` with `filter`.
    ///
    /// Separable, with weights precomputed per output row and column, clamp-to-edge
    /// borders and the pixel-centre convention `x_in = (x_out + 0.5) * scale - 0.5`.
    /// Bicubic and Lanczos may overshoot 0...1 near edges; values are not clamped.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .bilinear) -> Image {
        precondition(newWidth >= 0 && newHeight >= 0, "negative size \(newWidth)x\(newHeight)")
        if newWidth == width && newHeight == height { return self }
        guard newWidth > 0, newHeight > 0, width > 0, height > 0 else {
            return Image(width: newWidth, height: newHeight, channels: channels)
        }
        let xt = filter.table(inCount: width, outCount: newWidth)
        let yt = filter.table(inCount: height, outCount: newHeight)
        return resampledSeparable(x: xt, y: yt)
    }
}

extension ByteImage {
    /// Returns the image resampled to `width`×`height` (via `Image`; rounded and clamped back to 8 bits).
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .bilinear) -> ByteImage {
        ByteImage(Image(self).resized(width: newWidth, height: newHeight, filter: filter))
    }
}
