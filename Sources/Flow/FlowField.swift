/// A dense 2-D motion field: for each pixel (x, y), the displacement (u, v)
/// in pixels. Planar storage, row-major, `u.count == v.count == width * height`.
public struct FlowField: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Horizontal displacement per pixel.
    public var u: [Float]
    /// Vertical displacement per pixel.
    public var v: [Float]

    /// Creates a zero flow field.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        self.u = [Float](repeating: 0, count: width * height)
        self.v = [Float](repeating: 0, count: width * height)
    }
}
