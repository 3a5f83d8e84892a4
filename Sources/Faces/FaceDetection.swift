/// A point in image pixel coordinates.
public struct Point2: Sendable, Equatable, Codable {
    /// Horizontal coordinate, pixels from the left edge.
    public var x: Float
    /// Vertical coordinate, pixels from the top edge.
    public var y: Float
    /// Creates a point.
    public init(x: Float, y: Float) { self.x = x; self.y = y }
}

/// An axis-aligned box in image pixel coordinates.
public struct Box: Sendable, Equatable, Codable {
    /// Left edge.
    public var x: Float
    /// Top edge.
    public var y: Float
    /// Width.
    public var width: Float
    /// Height.
    public var height: Float
    /// Creates a box.
    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    /// Area in square pixels (0 for degenerate boxes).
    public var area: Float { max(width, 0) * max(height, 0) }
    /// Intersection over union with another box.
    public func iou(_ o: Box) -> Float {
        let ix = max(0, min(x + width, o.x + o.width) - max(x, o.x))
        let iy = max(0, min(y + height, o.y + o.height) - max(y, o.y))
        let inter = ix * iy
        let union = area + o.area - inter
        return union > 0 ? inter / union : 0
    }
}

/// One face found by the detector, in source-image pixels.
public struct FaceDetection: Sendable, Equatable, Codable {
    /// Face bounding box.
    public var box: Box
    /// The six BlazeFace keypoints: right eye, left eye, nose tip, mouth centre,
    /// right ear tragion, left ear tragion (subject's right/left).
    public var keypoints: [Point2]
    /// Detection confidence in 0...1.
    public var score: Float
    /// Creates a detection.
    public init(box: Box, keypoints: [Point2], score: Float) {
        self.box = box; self.keypoints = keypoints; self.score = score
    }
}
