import Imaging

/// A before/after contact sheet: one row per frame, the input on the left, the output on the right.
public enum ContactSheet {
    /// Lays out `pairs` (before, after) scaled to `rowHeight` pixels, with a 4-pixel grey gutter.
    public static func make(_ pairs: [(ByteImage, ByteImage)], rowHeight: Int = 240) -> ByteImage {
        guard let first = pairs.first?.0, first.height > 0 else { return ByteImage(width: 1, height: 1, channels: 3) }
        let rh = max(16, rowHeight), rw = max(1, first.width * rh / first.height), g = 4
        var sheet = ByteImage(width: 2 * rw + 3 * g, height: pairs.count * (rh + g) + g, channels: 3, fill: 64)
        for (row, pair) in pairs.enumerated() {
            for (col, img) in [pair.0, pair.1].enumerated() {
                blit(scaled(img, rw, rh), into: &sheet, x: g + col * (rw + g), y: g + row * (rh + g))
            }
        }
        return sheet
    }

    /// Area-averaging downscale (bilinear when enlarging) to `w`×`h`, RGB output.
    static func scaled(_ img: ByteImage, _ w: Int, _ h: Int) -> ByteImage {
        var out = ByteImage(width: w, height: h, channels: 3)
        let c = img.channels, sx = Float(img.width) / Float(w), sy = Float(img.height) / Float(h)
        for y in 0..<h { for x in 0..<w {
            let x0 = Int(Float(x) * sx), x1 = max(x0 + 1, min(img.width, Int(Float(x + 1) * sx)))
            let y0 = Int(Float(y) * sy), y1 = max(y0 + 1, min(img.height, Int(Float(y + 1) * sy)))
            for ch in 0..<3 {
                var s = 0
                for yy in y0..<y1 { for xx in x0..<x1 { s += Int(img.data[(yy * img.width + xx) * c + min(ch, c - 1)]) } }
                out.data[(y * w + x) * 3 + ch] = UInt8(s / ((y1 - y0) * (x1 - x0)))
            }
        } }
        return out
    }

    static func blit(_ src: ByteImage, into dst: inout ByteImage, x: Int, y: Int) {
        for r in 0..<src.height where y + r < dst.height {
            for cx in 0..<src.width where x + cx < dst.width {
                for ch in 0..<3 { dst.data[((y + r) * dst.width + x + cx) * 3 + ch] = src.data[(r * src.width + cx) * 3 + ch] }
            }
        }
    }
}
