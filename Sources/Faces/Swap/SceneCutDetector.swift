import Imaging

/// Flags hard scene cuts by comparing small luminance thumbnails of consecutive frames; trackers,
/// smoothers and colour statistics reset there so nothing is carried across shots.
public struct SceneCutDetector: Sendable {
    /// Mean absolute thumbnail difference (0...1) above which a frame starts a new scene.
    public var threshold: Float = 0.18
    private var previous: [Float]?

    /// Creates a detector.
    public init() {}

    /// A 32×18 mean-luminance thumbnail.
    static func thumbnail(_ image: ByteImage) -> [Float] {
        let tw = 32, th = 18, c = image.channels
        var out = [Float](repeating: 0, count: tw * th)
        guard image.width >= tw, image.height >= th else { return out }
        image.data.withUnsafeBufferPointer { d in
            for ty in 0..<th { for tx in 0..<tw {
                let x0 = tx * image.width / tw, x1 = (tx + 1) * image.width / tw
                let y0 = ty * image.height / th, y1 = (ty + 1) * image.height / th
                var s = 0, n = 0
                // Subsample about 10×10 pixels per cell (every other pixel on small frames): enough
                // for a cut detector, and the cost no longer grows with the frame size.
                let sx = max(2, (x1 - x0) / 10), sy = max(2, (y1 - y0) / 10)
                for y in stride(from: y0, to: y1, by: sy) { for x in stride(from: x0, to: x1, by: sx) {
                    let i = (y * image.width + x) * c
                    s += c >= 3 ? (Int(d[i]) * 2 + Int(d[i + 1]) * 5 + Int(d[i + 2])) / 8 : Int(d[i]); n += 1
                } }
                out[ty * tw + tx] = Float(s) / Float(max(n, 1) * 255)
            } }
        }
        return out
    }

    /// True when `image` starts a new scene (the first frame does not).
    public mutating func isCut(_ image: ByteImage) -> Bool {
        let t = Self.thumbnail(image)
        defer { previous = t }
        guard let p = previous else { return false }
        var d: Float = 0
        for i in t.indices { d += abs(t[i] - p[i]) }
        return d / Float(t.count) > threshold
    }
}
