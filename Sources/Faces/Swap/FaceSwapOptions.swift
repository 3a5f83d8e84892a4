/// How the swapped face is merged into the frame.
public enum BlendMode: String, Sendable, CaseIterable, Codable {
    /// Laplacian-pyramid blend with a feathered mask (default).
    case pyramid
    /// Seamless cloning: a Poisson solve that keeps the source's gradients and meets the target at the seam.
    case poisson
}

/// Whether a facial region comes from the target (keep) or the source (swap).
public enum RegionPolicy: String, Sendable, CaseIterable, Codable {
    /// The target's own pixels stay (speech, teeth, blinks and gaze stay real).
    case keep
    /// The source's pixels are used.
    case swap
    /// Eyes: the source's eyes while the target's are open, fading to the target's own as they close
    /// (blinks, squints). Mouth: the same as `keep`.
    case auto
}

/// Which target faces are replaced.
public enum FaceSelection: Sendable, Equatable, Codable {
    /// Every face track.
    case all
    /// Only the track with the largest face.
    case largest
    /// The N-th face (0-based, ordered left to right on its first frame).
    case index(Int)
}

/// Appearance and geometry settings of one swap. Defaults are the documented product defaults.
public struct FaceSwapOptions: Sendable, Equatable, Codable {
    /// Blending method (default `.pyramid`).
    public var blend: BlendMode = .pyramid
    /// Inner mouth policy (default `.keep`).
    public var mouth: RegionPolicy = .keep
    /// Eye interior policy (default `.auto`: the source's eyes carry much of its identity; blinks stay the target's).
    public var eyes: RegionPolicy = .auto
    /// Find what covers the face (hands, objects) and keep the target's pixels there, out of the colour statistics.
    public var occlusion = true
    /// With `occlusion`, also find occluders of the skin's own colour (hands, arms, beige objects) as departures
    /// from the face's own recent appearance (`OccluderHistory`); off leaves only the chroma test.
    public var occluderHistory = true
    /// Transfer the target's low-frequency lighting onto the source (default on).
    public var lighting = true
    /// Transfer Lab mean/std colour statistics (default on).
    public var colorTransfer = true
    /// Weight of the newest frame in the exponential smoothing of colour statistics (0...1).
    public var colorSmoothing: Float = 0.25
    /// Weight (0...0.95) of the previous output's face, carried along the target's optical flow, in each
    /// new frame's swapped region where the target itself did not change (`TemporalCarry`): steadies the
    /// painted face against the target's real motion. 0 turns it off.
    public var temporalCarry: Float = 0.85
    /// Target motion (frame pixels per frame) at which the temporal carry stops; it fades from a quarter of
    /// this. Near-still footage is untouched; on fast footage the carry smeared the source's features.
    public var temporalCarryMotion: Float = 16
    /// Feather width of the blend mask as a fraction of the inter-ocular distance (0.06: a sharper edge
    /// shows more of the source's face shape; 0.12 put the dlib distance 0.04 nearer the target).
    public var feather: Float = 0.06
    /// Pyramid levels for `.pyramid` (counted at frame resolution).
    public var pyramidLevels = 5
    /// When the target face is larger than the source face, warp, colour, lighting and blend on a
    /// grid at the source face's resolution and composite once at frame resolution (default on;
    /// the source holds no finer detail). Off does all of it at frame resolution, which is slower.
    public var sourceResolutionGrid = true
    /// Creates the default options.
    public init() {}
}
