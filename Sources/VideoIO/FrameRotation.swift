import Imaging

/// An axis-aligned display transform read from a display matrix: a quarter or half turn, a mirror, or a turn
/// and a mirror (a JPEG's EXIF orientations 2–8). A stored pixel (x, y) is shown at (a·x + c·y, b·x + d·y),
/// moved back into the frame; each coefficient is −1, 0 or 1.
struct DisplayTransform: Equatable {
    var a: Int, b: Int, c: Int, d: Int

    static let identity = DisplayTransform(a: 1, b: 0, c: 0, d: 1)

    init(a: Int, b: Int, c: Int, d: Int) { self.a = a; self.b = b; self.c = c; self.d = d }

    /// A counter-clockwise turn by 90, 180 or 270 degrees; any other angle gives the identity.
    init(counterClockwise degrees: Int) {
        switch ((degrees % 360) + 360) % 360 {
        case 90: self.init(a: 0, b: -1, c: 1, d: 0)       // the left edge becomes the bottom
        case 180: self.init(a: -1, b: 0, c: 0, d: -1)
        case 270: self.init(a: 0, b: 1, c: -1, d: 0)      // 270 counter-clockwise = 90 clockwise
        default: self = .identity
        }
    }

    /// Reads the 2×2 part of a 3×3 display matrix (16.16 fixed point, libavutil's layout); nil when it is not
    /// a pure permutation of the axes with signs (a skew, a scale, or a turn by another angle).
    init?(matrix m: [Int32]) {
        guard m.count >= 9 else { return nil }
        func sign(_ v: Int32) -> Int? {
            let unit = Double(v) / 65536
            if abs(unit - 1) < 0.01 { return 1 }
            if abs(unit + 1) < 0.01 { return -1 }
            return abs(unit) < 0.01 ? 0 : nil
        }
        guard let a = sign(m[0]), let b = sign(m[1]), let c = sign(m[3]), let d = sign(m[4]),
              (a != 0 && d != 0 && b == 0 && c == 0) || (a == 0 && d == 0 && b != 0 && c != 0) else { return nil }
        self.init(a: a, b: b, c: c, d: d)
    }

    /// Whether the shown frame's width is the stored height.
    var swapsAxes: Bool { a == 0 }

    /// The image as shown: a pure permutation of its pixels.
    func applied(to img: ByteImage) -> ByteImage {
        guard self != .identity else { return img }
        let w = img.width, h = img.height, ch = img.channels
        let outW = swapsAxes ? h : w, outH = swapsAxes ? w : h
        let offX = a < 0 || c < 0 ? outW - 1 : 0, offY = b < 0 || d < 0 ? outH - 1 : 0
        var out = [UInt8](repeating: 0, count: w * h * ch)
        img.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let nx = a * x + c * y + offX, ny = b * x + d * y + offY
                        let s = (y * w + x) * ch, t = (ny * outW + nx) * ch
                        for k in 0..<ch { dst[t + k] = src[s + k] }
                    }
                }
            }
        }
        return ByteImage(width: outW, height: outH, channels: ch, data: out)
    }
}
