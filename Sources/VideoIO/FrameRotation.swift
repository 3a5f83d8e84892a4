import Imaging

/// Turns a packed image counter-clockwise by 90, 180 or 270 degrees (other angles: unchanged).
/// A pure permutation of pixels, used to show frames upright when the stream carries a display matrix.
func rotatedCounterClockwise(_ img: ByteImage, degrees: Int) -> ByteImage {
    let turn = ((degrees % 360) + 360) % 360
    guard turn == 90 || turn == 180 || turn == 270 else { return img }
    let w = img.width, h = img.height, c = img.channels
    let outW = turn == 180 ? w : h, outH = turn == 180 ? h : w
    var out = [UInt8](repeating: 0, count: w * h * c)
    img.data.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            for y in 0..<h {
                for x in 0..<w {
                    let (nx, ny): (Int, Int)
                    switch turn {
                    case 90: (nx, ny) = (y, w - 1 - x)          // left edge becomes the bottom
                    case 180: (nx, ny) = (w - 1 - x, h - 1 - y)
                    default: (nx, ny) = (h - 1 - y, x)          // 270 CCW = 90 clockwise
                    }
                    let s = (y * w + x) * c, d = (ny * outW + nx) * c
                    for k in 0..<c { dst[d + k] = src[s + k] }
                }
            }
        }
    }
    return ByteImage(width: outW, height: outH, channels: c, data: out)
}
