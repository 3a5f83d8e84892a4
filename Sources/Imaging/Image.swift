/// A floating-point raster image.
///
/// Layout: row-major, interleaved channels (HWC), `channels` values per pixel,
/// `data.count == width * height * channels`. Sample (x, y, c) lives at
/// `(y * width + x) * channels + c`; (0, 0) is the top-left pixel.
///
/// Values are nominally in 0...1. The colour space is a property of the caller's
/// pipeline, not of the buffer: images decoded from files and videos are
/// sRGB-encoded (gamma) RGB; `ColorSpace` helpers convert to linear RGB or CIE Lab
/// (whose channels are then L in 0...100 and a, b roughly in -128...127).
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Values per pixel: 1 (grey), 3 (RGB) or 4 (RGBA).
    public let channels: Int
    /// Interleaved samples, `width * height * channels` of them.
    public var data: [Float]

    /// Creates an image filled with `value`.
    public init(width: Int, height: Int, channels: Int = 3, fill value: Float = 0) {
        precondition(width >= 0 && height >= 0 && channels > 0, "bad image shape")
        self.width = width
        self.height = height
        self.channels = channels
        self.data = [Float](repeating: value, count: width * height * channels)
    }

    /// Wraps existing interleaved samples.
    public init(width: Int, height: Int, channels: Int, data: [Float]) {
        precondition(data.count == width * height * channels, "data does not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.data = data
    }

    /// Number of pixels.
    @inlinable public var pixelCount: Int { width * height }

    /// Sample at integer coordinates (no bounds clamping beyond a precondition in debug).
    @inlinable public subscript(x: Int, y: Int, c: Int) -> Float {
        get { data[(y * width + x) * channels + c] }
        set { data[(y * width + x) * channels + c] = newValue }
    }
}

/// An 8-bit raster image in the same HWC interleaved layout as `Image`.
///
/// This is the exchange format with codecs: decoded video frames and image
/// files arrive as packed 8-bit sRGB (`channels == 3`, FFmpeg's `rgb24`).
public struct ByteImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Values per pixel: 1, 3 or 4.
    public let channels: Int
    /// Interleaved samples, `width * height * channels` bytes.
    public var data: [UInt8]

    /// Creates an image filled with `value`.
    public init(width: Int, height: Int, channels: Int = 3, fill value: UInt8 = 0) {
        precondition(width >= 0 && height >= 0 && channels > 0, "bad image shape")
        self.width = width
        self.height = height
        self.channels = channels
        self.data = [UInt8](repeating: value, count: width * height * channels)
    }

    /// Wraps existing interleaved bytes.
    public init(width: Int, height: Int, channels: Int, data: [UInt8]) {
        precondition(data.count == width * height * channels, "data does not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.data = data
    }
}

extension Image {
    /// Converts 8-bit samples to floats in 0...1.
    public init(_ bytes: ByteImage) {
        var out = [Float](repeating: 0, count: bytes.data.count)
        bytes.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!, n = src.count
                let scale: Float = 1.0 / 255.0
                var i = 0
                while i + 8 <= n {
                    let v = UnsafeRawPointer(s + i).loadUnaligned(as: SIMD8<UInt8>.self)
                    let f = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: v)) * scale
                    UnsafeMutableRawPointer(d + i).storeBytes(of: f, as: SIMD8<Float>.self)
                    i += 8
                }
                while i < n { d[i] = Float(s[i]) * scale; i += 1 }
            }
        }
        self.init(width: bytes.width, height: bytes.height, channels: bytes.channels, data: out)
    }
}

extension ByteImage {
    /// Quantises floats to 8 bits, clamping to 0...1 and rounding to nearest (NaN becomes 0).
    public init(_ image: Image) {
        var out = [UInt8](repeating: 0, count: image.data.count)
        image.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let s = src.baseAddress!, d = dst.baseAddress!, n = src.count
                var i = 0
                while i < n {
                    // The comparisons also send NaN to 0; the clamped value converts without a trap check.
                    let v = s[i] * 255 + 0.5
                    let c: Float = v > 0 ? (v < 255 ? v : 255) : 0
                    d[i] = UInt8(c)
                    i += 1
                }
            }
        }
        self.init(width: image.width, height: image.height, channels: image.channels, data: out)
    }
}
