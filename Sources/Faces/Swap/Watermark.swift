import Imaging

/// A frame corner.
public enum Corner: String, Sendable, CaseIterable, Codable {
    /// Top-left corner.
    case topLeft = "top-left"
    /// Top-right corner.
    case topRight = "top-right"
    /// Bottom-left corner.
    case bottomLeft = "bottom-left"
    /// Bottom-right corner.
    case bottomRight = "bottom-right"
}

/// A small visible disclosure mark ("AI SYNTHETIC") drawn with a built-in 5×7 pixel font on a
/// dark translucent plate, scaled with the frame height so it stays legible at any size.
public enum Watermark {
    /// The text drawn.
    public static let text = "AI SYNTHETIC"

    /// 5×7 glyphs, one UInt8 per row (low 5 bits, MSB = left column).
    static let glyphs: [Character: [UInt8]] = [
        "A": [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11], "I": [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        "S": [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E], "Y": [0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04],
        "N": [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11], "T": [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        "H": [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11], "E": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        "C": [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E], " ": [0, 0, 0, 0, 0, 0, 0],
    ]

    /// The rectangle the mark occupies in a `width`×`height` frame at `corner`.
    public static func rect(width: Int, height: Int, corner: Corner) -> PixelRect {
        let s = max(1, height / 240)                     // pixels per font dot: 2 at 480p, 3 at 720p
        let pad = 2 * s, margin = 4 * s
        let w = min(width, text.count * 6 * s - s + 2 * pad), h = min(height, 7 * s + 2 * pad)
        let x = corner == .topLeft || corner == .bottomLeft ? min(margin, width - w) : max(0, width - w - margin)
        let y = corner == .topLeft || corner == .topRight ? min(margin, height - h) : max(0, height - h - margin)
        return PixelRect(x: x, y: y, width: w, height: h)
    }

    /// Draws the mark into `image` (RGB) at `corner`.
    public static func draw(on image: inout ByteImage, corner: Corner = .bottomRight) {
        guard image.channels >= 3, image.width >= 8, image.height >= 8 else { return }
        let r = rect(width: image.width, height: image.height, corner: corner)
        let s = max(1, image.height / 240), pad = 2 * s, c = image.channels, w = image.width
        // Plate: darken to 35 %.
        for y in r.y..<(r.y + r.height) { for x in r.x..<(r.x + r.width) { for ch in 0..<3 {
            let i = (y * w + x) * c + ch
            image.data[i] = UInt8(Int(image.data[i]) * 35 / 100)
        } } }
        for (k, ch) in text.enumerated() {
            guard let g = glyphs[ch] else { continue }
            for row in 0..<7 { for col in 0..<5 where g[row] & (0x10 >> UInt8(col)) != 0 {
                for dy in 0..<s { for dx in 0..<s {
                    let x = r.x + pad + (k * 6 + col) * s + dx, y = r.y + pad + row * s + dy
                    guard x < r.x + r.width, y < r.y + r.height else { continue }
                    let i = (y * w + x) * c
                    image.data[i] = 255; image.data[i + 1] = 255; image.data[i + 2] = 255
                } }
            } }
        }
    }
}
