/// Rasterisers shared by `Image` and `ByteImage` drawing: they only emit integer
/// pixel positions, and the caller clips and writes.
enum Raster {
    /// Filled disc of `radius` pixels around (x, y) rounded to the nearest pixel; radius 0 is one pixel.
    static func disc(x: Float, y: Float, radius: Int, _ plot: (Int, Int) -> Void) {
        guard x.isFinite, y.isFinite, abs(x) < 1e9, abs(y) < 1e9 else { return }
        let cx = Int(x.rounded()), cy = Int(y.rounded()), r = max(0, radius)
        for dy in -r...r {
            for dx in -r...r where dx * dx + dy * dy <= r * r { plot(cx + dx, cy + dy) }
        }
    }

    /// Bresenham line between rounded end points, each step stamped as a
    /// `thickness`×`thickness` square; `clip` bounds the walk for far-away end points.
    static func line(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float, thickness: Int,
                     clip: (w: Int, h: Int), _ plot: (Int, Int) -> Void) {
        guard [x0, y0, x1, y1].allSatisfy({ $0.isFinite && abs($0) < 1e7 }) else { return }
        var x = Int(x0.rounded()), y = Int(y0.rounded())
        let ex = Int(x1.rounded()), ey = Int(y1.rounded())
        let dx = abs(ex - x), dy = -abs(ey - y)
        let sx = x < ex ? 1 : -1, sy = y < ey ? 1 : -1
        var err = dx + dy
        let t = max(1, thickness), lo = -(t - 1) / 2, hi = t / 2
        while true {
            if x + hi >= 0 && y + hi >= 0 && x + lo < clip.w && y + lo < clip.h {
                for oy in lo...hi { for ox in lo...hi { plot(x + ox, y + oy) } }
            }
            if x == ex && y == ey { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Outline of the axis-aligned box with corners (x, y) and (x + w, y + h).
    static func box(x: Float, y: Float, width w: Float, height h: Float, thickness: Int,
                    clip: (w: Int, h: Int), _ plot: (Int, Int) -> Void) {
        let x1 = x + w, y1 = y + h
        line(x, y, x1, y, thickness: thickness, clip: clip, plot)
        line(x1, y, x1, y1, thickness: thickness, clip: clip, plot)
        line(x1, y1, x, y1, thickness: thickness, clip: clip, plot)
        line(x, y1, x, y, thickness: thickness, clip: clip, plot)
    }
}

extension Image {
    /// Sets pixel (x, y) to `color` (one value per channel; extra values ignored,
    /// missing ones repeat the last) if it lies inside the image.
    @inline(__always)
    mutating func put(_ x: Int, _ y: Int, _ color: [Float]) {
        guard x >= 0, y >= 0, x < width, y < height, !color.isEmpty else { return }
        let base = (y * width + x) * channels
        for c in 0..<channels { data[base + c] = color[min(c, color.count - 1)] }
    }

    /// Draws a filled dot of `radius` pixels centred on (x, y), for landmark overlays.
    public mutating func drawPoint(x: Float, y: Float, color: [Float], radius: Int = 1) {
        Raster.disc(x: x, y: y, radius: radius) { put($0, $1, color) }
    }

    /// Draws a Bresenham line from (x0, y0) to (x1, y1), `thickness` pixels wide, clipped.
    public mutating func drawLine(x0: Float, y0: Float, x1: Float, y1: Float, color: [Float], thickness: Int = 1) {
        let clip = (width, height)
        Raster.line(x0, y0, x1, y1, thickness: thickness, clip: clip) { put($0, $1, color) }
    }

    /// Draws the outline of the box from (x, y) spanning `width`×`height` pixels, clipped.
    public mutating func drawBox(x: Float, y: Float, width w: Float, height h: Float, color: [Float], thickness: Int = 1) {
        let clip = (width, height)
        Raster.box(x: x, y: y, width: w, height: h, thickness: thickness, clip: clip) { put($0, $1, color) }
    }
}

extension ByteImage {
    @inline(__always)
    mutating func put(_ x: Int, _ y: Int, _ color: [UInt8]) {
        guard x >= 0, y >= 0, x < width, y < height, !color.isEmpty else { return }
        let base = (y * width + x) * channels
        for c in 0..<channels { data[base + c] = color[min(c, color.count - 1)] }
    }

    /// Draws a filled dot of `radius` pixels centred on (x, y).
    public mutating func drawPoint(x: Float, y: Float, color: [UInt8], radius: Int = 1) {
        Raster.disc(x: x, y: y, radius: radius) { put($0, $1, color) }
    }

    /// Draws a Bresenham line from (x0, y0) to (x1, y1), `thickness` pixels wide, clipped.
    public mutating func drawLine(x0: Float, y0: Float, x1: Float, y1: Float, color: [UInt8], thickness: Int = 1) {
        let clip = (width, height)
        Raster.line(x0, y0, x1, y1, thickness: thickness, clip: clip) { put($0, $1, color) }
    }

    /// Draws the outline of the box from (x, y) spanning `width`×`height` pixels, clipped.
    public mutating func drawBox(x: Float, y: Float, width w: Float, height h: Float, color: [UInt8], thickness: Int = 1) {
        let clip = (width, height)
        Raster.box(x: x, y: y, width: w, height: h, thickness: thickness, clip: clip) { put($0, $1, color) }
    }
}
