import Imaging

/// One decoded video frame, converted to packed 8-bit sRGB.
public struct VideoFrame: Sendable {
    /// The picture, `rgb24` (3 channels), at the stream's coded size (display rotation is not applied).
    public var image: ByteImage
    /// Presentation time in seconds, relative to the video stream's start time.
    public var pts: Double
    /// Frame number: 0, 1, 2, ... in display order from the start; after a seek, `round(pts * fps)`.
    public var index: Int

    /// Creates a frame.
    public init(image: ByteImage, pts: Double, index: Int) {
        self.image = image; self.pts = pts; self.index = index
    }
}
