/// Named speed/quality trade-offs for `DISFlow`.
public enum DISPreset: String, Sendable, CaseIterable, Codable {
    /// Coarse (¼-resolution) flow, no variational refinement. For previews.
    case ultrafast
    /// ½-resolution flow with a short variational refinement. The default for video.
    case fast
    /// Full-resolution flow, dense patch grid, more refinement. For metrics and tests.
    case medium
}

/// Parameters of dense inverse search (Kroeger et al. 2016). Names follow the paper's θ symbols.
///
/// | preset    | θ_sf | patch | stride | θ_it | θ_vo (fixed point × SOR) |
/// |-----------|------|-------|--------|------|--------------------------|
/// | ultrafast | 2    | 8     | 6      | 12   | 0                        |
/// | fast      | 1    | 8     | 4      | 16   | 2 × 4                    |
/// | medium    | 0    | 8     | 3      | 25   | 4 × 5                    |
///
/// All presets share the variational weights δ = 5 (intensity), γ = 10 (gradient),
/// α = 20 (smoothness) on 0…255 intensities, as in OpenCV's DIS implementation.
public struct DISParameters: Sendable, Equatable, Codable {
    /// θ_sf: finest pyramid level processed (0 = input resolution); the result is upsampled from there.
    public var finestScale: Int
    /// θ_ss: coarsest level; nil picks it from the image size so the coarsest level is about 4 patches wide.
    public var coarsestScale: Int?
    /// θ_ps: side of the square patches, in pixels.
    public var patchSize: Int
    /// Distance between neighbouring patch origins, in pixels (θ_ps × (1 − θ_ov)).
    public var patchStride: Int
    /// θ_it: inverse-compositional Gauss–Newton iterations per patch.
    public var gradientDescentIterations: Int
    /// Outer fixed-point iterations of the variational refinement per level (0 disables it).
    public var variationalIterations: Int
    /// Red–black SOR sweeps per fixed-point iteration.
    public var sorIterations: Int
    /// δ: weight of the brightness-constancy data term.
    public var delta: Float
    /// γ: weight of the gradient-constancy data term.
    public var gamma: Float
    /// α: weight of the smoothness term.
    public var alpha: Float

    /// Creates a parameter set; see the table above for the presets' values.
    public init(finestScale: Int, coarsestScale: Int? = nil, patchSize: Int = 8, patchStride: Int,
                gradientDescentIterations: Int, variationalIterations: Int, sorIterations: Int,
                delta: Float = 5, gamma: Float = 10, alpha: Float = 20) {
        self.finestScale = finestScale; self.coarsestScale = coarsestScale
        self.patchSize = patchSize; self.patchStride = patchStride
        self.gradientDescentIterations = gradientDescentIterations
        self.variationalIterations = variationalIterations; self.sorIterations = sorIterations
        self.delta = delta; self.gamma = gamma; self.alpha = alpha
    }

    /// The parameters of a preset.
    public init(preset: DISPreset) {
        switch preset {
        case .ultrafast:
            self.init(finestScale: 2, patchStride: 6, gradientDescentIterations: 12,
                      variationalIterations: 0, sorIterations: 0)
        case .fast:
            self.init(finestScale: 1, patchStride: 4, gradientDescentIterations: 16,
                      variationalIterations: 2, sorIterations: 4)
        case .medium:
            self.init(finestScale: 0, patchStride: 3, gradientDescentIterations: 25,
                      variationalIterations: 4, sorIterations: 5)
        }
    }
}
