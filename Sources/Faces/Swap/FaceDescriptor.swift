import Imaging

/// What a person looks like, for `--reference`: the pose-normalised landmark shape plus a colour
/// histogram of the face interior. Cheap, identity-ish, and stable across frames of one person.
public struct FaceDescriptor: Sendable {
    /// Canonical-frame landmark xy (pose removed), 468 × 2.
    public var shape: [SIMD2<Float>]
    /// Normalised 4×4×4 RGB histogram of the face interior.
    public var histogram: [Float]

    /// Describes the face with `landmarks` in `image`.
    public init(image: ByteImage, landmarks: [SIMD3<Float>]) {
        let ps = PoseShape(landmarks)
        shape = ps.shape.map { SIMD2($0.x, $0.y) }
        var hist = [Float](repeating: 0, count: 64)
        let r = PixelRect.bounding(landmarks, pad: 0, clipWidth: image.width, clipHeight: image.height)
        if let r, image.channels >= 3 {
            var mask = RegionBuffer(width: r.width, height: r.height, channels: 1)
            FaceMasks.fill(&mask, polygon: FaceMasks.polygon(landmarks, CanonicalFace.oval, scale: 0.85, origin: r), value: 1)
            for y in 0..<r.height { for x in 0..<r.width where mask.data[y * r.width + x] > 0 {
                let i = ((r.y + y) * image.width + r.x + x) * image.channels
                let b = (Int(image.data[i]) >> 6) * 16 + (Int(image.data[i + 1]) >> 6) * 4 + Int(image.data[i + 2]) >> 6
                hist[b] += 1
            } }
        }
        let total = max(hist.reduce(0, +), 1)
        histogram = hist.map { $0 / total }
    }

    /// Dissimilarity: mean canonical landmark distance (inter-ocular units, ×10) plus the
    /// Hellinger distance between the colour histograms (0...1).
    public func distance(to o: FaceDescriptor) -> Float {
        var d: Float = 0
        for (a, b) in zip(shape, o.shape) { d += ((a - b) * (a - b)).sum().squareRoot() }
        d /= Float(max(shape.count, 1))
        var bc: Float = 0
        for (p, q) in zip(histogram, o.histogram) { bc += (p * q).squareRoot() }
        return 10 * d + max(0, 1 - bc).squareRoot()
    }
}
