import Foundation
import Imaging

/// Deterministic synthetic inputs for the Imaging tests (no files needed).
enum TestImages {
    /// Uniform noise in 0...1 from a fixed 64-bit LCG, so failures reproduce.
    static func noise(width: Int, height: Int, channels: Int = 3, seed: UInt64 = 1) -> Image {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        var img = Image(width: width, height: height, channels: channels)
        for i in 0..<img.data.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            img.data[i] = Float(state >> 40) / Float(1 << 24)
        }
        return img
    }

    /// `value(x, y, c)` sampled at every pixel.
    static func function(width: Int, height: Int, channels: Int = 3, _ value: (Float, Float, Int) -> Float) -> Image {
        var img = Image(width: width, height: height, channels: channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels { img[x, y, c] = value(Float(x), Float(y), c) }
            }
        }
        return img
    }

    /// A smooth, photo-like pattern: low-frequency sinusoids per channel (period ≥ 32 px).
    static func smooth(width: Int, height: Int, channels: Int = 3) -> Image {
        function(width: width, height: height, channels: channels) { x, y, c in
            let fc = Float(c)
            return 0.5 + 0.25 * sin(x * 0.17 + fc) * cos(y * 0.13 - fc) + 0.15 * sin((x + y) * 0.09 + 2 * fc)
        }
    }
}
