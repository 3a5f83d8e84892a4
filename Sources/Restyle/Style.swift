/// The looks `kinema restyle` can produce.
public enum Style: String, Sendable, CaseIterable, Codable {
    /// Flat cel shading with line art.
    case anime
    /// Alias of anime with stronger quantisation.
    case toon
    /// Anisotropic Kuwahara painting.
    case oil
    /// Pencil lines on paper.
    case sketch
    /// Soft washes with darkened edges and paper texture.
    case watercolor
    /// Colours mapped onto a small palette.
    case palette
    /// One of 26 learned painting styles, or a blend of them (`painting:K`, `painting:3=0.5,12=0.5`).
    case painting
    /// Any picture as a style (`--style neural --style-image PICTURE`, Ghiasi et al. 2017).
    case neural
}
