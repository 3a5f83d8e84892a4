import Flow

/// How the hand-made looks adapt to small frames. Their radii were tuned on working frames of 320
/// pixels and more (640-pixel footage at half size); on a 176×144 clip the same radii span a whole
/// eye or mouth and erase the face. Small frames are therefore processed at full size, and radii
/// shrink in proportion to the working frame's long side below 320.
enum SmallFrames {
    /// Long side (frame pixels) from which frames are processed at half size.
    static let halveFrom = 640
    /// Working long side the radii were tuned for.
    static let tunedSide: Float = 320

    /// 2 for frames of at least `halveFrom` pixels on the long side, else 1.
    static func reduction(_ width: Int, _ height: Int) -> Int { max(width, height) >= halveFrom ? 2 : 1 }

    /// Radius factor for working planes: min(1, long side / 320).
    static func scale(_ rgb: [Plane]) -> Float {
        min(1, Float(max(rgb[0].width, rgb[0].height)) / tunedSide)
    }

    /// An integer radius scaled for the working planes (at least 1).
    static func scaled(_ radius: Int, _ rgb: [Plane]) -> Int { max(1, Int((Float(radius) * scale(rgb)).rounded())) }
}
