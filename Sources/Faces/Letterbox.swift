/// Fits a source image into a square model input without distorting it, and maps
/// coordinates back.
///
/// The source is scaled by one factor so its long side fills `size`, rounded to whole
/// pixels, and centred; the bands left over are padding. Because the content size is
/// rounded, each axis keeps its own exact scale (`contentWidth / sourceWidth`).
///
/// Normalised input coordinates follow MediaPipe: 0...1 spans the input's outer pixel edges.
/// Source coordinates follow the team's convention: pixel centres at integer coordinates,
/// so pixel (i, j) covers [i − ½, i + ½) × [j − ½, j + ½).
public struct Letterbox: Sendable, Equatable {
    /// Source image width in pixels.
    public let sourceWidth: Int
    /// Source image height in pixels.
    public let sourceHeight: Int
    /// Side of the square model input in pixels.
    public let size: Int
    /// Width of the scaled source inside the input.
    public let contentWidth: Int
    /// Height of the scaled source inside the input.
    public let contentHeight: Int
    /// Padding columns on the left (the right gets `size - contentWidth - padLeft`).
    public let padLeft: Int
    /// Padding rows on top (the bottom gets `size - contentHeight - padTop`).
    public let padTop: Int

    /// Plans the letterbox of a `sourceWidth`×`sourceHeight` image into a `size`×`size` input.
    /// - Throws: `FacesError.badImage` for an empty source or input.
    public init(sourceWidth: Int, sourceHeight: Int, size: Int) throws {
        guard sourceWidth > 0, sourceHeight > 0, size > 0 else {
            throw FacesError.badImage("cannot letterbox a \(sourceWidth)×\(sourceHeight) image into \(size)×\(size)")
        }
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.size = size
        let s = Double(size) / Double(max(sourceWidth, sourceHeight))
        contentWidth = max(1, min(size, Int((Double(sourceWidth) * s).rounded())))
        contentHeight = max(1, min(size, Int((Double(sourceHeight) * s).rounded())))
        padLeft = (size - contentWidth) / 2
        padTop = (size - contentHeight) / 2
    }

    /// Horizontal input pixels per source pixel.
    public var scaleX: Float { Float(contentWidth) / Float(sourceWidth) }
    /// Vertical input pixels per source pixel.
    public var scaleY: Float { Float(contentHeight) / Float(sourceHeight) }

    /// Maps a point in normalised input coordinates (0...1 across the model input) to source pixels.
    public func toSource(_ p: Point2) -> Point2 {
        Point2(x: (p.x * Float(size) - Float(padLeft)) / scaleX - 0.5,
               y: (p.y * Float(size) - Float(padTop)) / scaleY - 0.5)
    }

    /// Maps a source pixel position to normalised input coordinates.
    public func toInput(_ p: Point2) -> Point2 {
        Point2(x: ((p.x + 0.5) * scaleX + Float(padLeft)) / Float(size),
               y: ((p.y + 0.5) * scaleY + Float(padTop)) / Float(size))
    }

    /// Maps a detection decoded in normalised input coordinates to source pixels.
    public func toSource(_ d: FaceDetection) -> FaceDetection {
        let origin = toSource(Point2(x: d.box.x, y: d.box.y))
        let box = Box(x: origin.x, y: origin.y,
                      width: d.box.width * Float(size) / scaleX, height: d.box.height * Float(size) / scaleY)
        return FaceDetection(box: box, keypoints: d.keypoints.map(toSource), score: d.score)
    }
}
