import Imaging

/// A single-channel float raster, row-major, the working layout of flow and filters.
///
/// Flow and the stylisers work on planes (one per channel) because separable
/// filters, box sums and bilinear lookups are fastest on contiguous rows.
public struct Plane: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples, `width * height` of them, row-major.
    public var data: [Float]

    /// Creates a plane filled with `value`.
    public init(width: Int, height: Int, fill value: Float = 0) {
        precondition(width >= 0 && height >= 0, "bad plane shape")
        self.width = width
        self.height = height
        self.data = [Float](repeating: value, count: width * height)
    }

    /// A plane whose samples the caller promises to overwrite entirely before reading any
    /// (skips zero-filling, which costs a full pass over memory for large planes).
    public init(uninitializedWidth width: Int, height: Int) {
        self.width = width
        self.height = height
        self.data = [Float](unsafeUninitializedCapacity: width * height) { _, n in n = width * height }
    }

    /// Wraps existing samples.
    public init(width: Int, height: Int, data: [Float]) {
        precondition(data.count == width * height, "data does not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.data = data
    }

    /// Number of pixels.
    @inlinable public var count: Int { width * height }

    /// Sample at integer coordinates.
    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { data[y * width + x] }
        set { data[y * width + x] = newValue }
    }

    /// Bilinear sample at real-valued coordinates, clamped to the border.
    @inlinable public func sample(_ x: Float, _ y: Float) -> Float {
        data.withUnsafeBufferPointer { bilinear($0.baseAddress!, width, height, x, y) }
    }

    /// Mean of all samples (0 for an empty plane).
    public var mean: Float {
        if data.isEmpty { return 0 }
        var s: Double = 0
        data.withUnsafeBufferPointer { for v in $0 { s += Double(v) } }
        return Float(s / Double(data.count))
    }
}

/// Bilinear lookup with border clamping on a raw row-major plane.
@inlinable @inline(__always)
func bilinear(_ p: UnsafePointer<Float>, _ w: Int, _ h: Int, _ x: Float, _ y: Float) -> Float {
    BilinearTap(x: x, y: y, width: w, height: h).sample(p)
}

/// Public bilinear lookup on a raw plane, for callers running their own loops.
///
/// Coordinates are clamped to `[0, w-1] × [0, h-1]`.
@inlinable @inline(__always)
public func bilinearSample(_ p: UnsafePointer<Float>, width w: Int, height h: Int, _ x: Float, _ y: Float) -> Float {
    bilinear(p, w, h, x, y)
}

extension Plane {
    /// Rec. 601 luma of an RGB(A) or grey image, in the image's own 0...1 scale.
    public init(luminanceOf image: Image) {
        let n = image.width * image.height, c = image.channels
        var out = [Float](repeating: 0, count: n)
        image.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                if c < 3 {
                    for i in 0..<n { dst[i] = src[i * c] }
                } else {
                    for i in 0..<n {
                        dst[i] = 0.299 * src[i * c] + 0.587 * src[i * c + 1] + 0.114 * src[i * c + 2]
                    }
                }
            }
        }
        self.init(width: image.width, height: image.height, data: out)
    }

    /// Rec. 601 luma of an 8-bit RGB(A) or grey image, scaled to 0...1.
    public init(luminanceOf image: ByteImage) {
        let n = image.width * image.height, c = image.channels
        var out = [Float](repeating: 0, count: n)
        image.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let k: Float = 1 / 255
                if c < 3 {
                    for i in 0..<n { dst[i] = Float(src[i * c]) * k }
                } else {
                    for i in 0..<n {
                        dst[i] = (0.299 * Float(src[i * c]) + 0.587 * Float(src[i * c + 1])
                                  + 0.114 * Float(src[i * c + 2])) * k
                    }
                }
            }
        }
        self.init(width: image.width, height: image.height, data: out)
    }

    /// Splits an interleaved image into one plane per channel.
    public static func planes(of image: Image) -> [Plane] {
        let n = image.width * image.height, c = image.channels
        var out = [[Float]](repeating: [Float](repeating: 0, count: n), count: c)
        image.data.withUnsafeBufferPointer { src in
            for ch in 0..<c {
                out[ch].withUnsafeMutableBufferPointer { dst in
                    for i in 0..<n { dst[i] = src[i * c + ch] }
                }
            }
        }
        return out.map { Plane(width: image.width, height: image.height, data: $0) }
    }

    /// Interleaves planes of equal size back into an image.
    public static func image(from planes: [Plane]) -> Image {
        precondition(!planes.isEmpty, "need at least one plane")
        let w = planes[0].width, h = planes[0].height, c = planes.count, n = w * h
        var out = [Float](repeating: 0, count: n * c)
        out.withUnsafeMutableBufferPointer { dst in
            for ch in 0..<c {
                precondition(planes[ch].width == w && planes[ch].height == h, "plane sizes differ")
                planes[ch].data.withUnsafeBufferPointer { src in
                    for i in 0..<n { dst[i * c + ch] = src[i] }
                }
            }
        }
        return Image(width: w, height: h, channels: c, data: out)
    }
}
