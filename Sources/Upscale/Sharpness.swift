import Imaging

/// Image sharpness measures used to choose and check upscalers.
public enum Sharpness {
    /// Variance of the 4-neighbour Laplacian of the luma (BT.601, 0…255) over interior pixels: the
    /// common focus measure (Pech-Pacheco et al. 2000). Higher is sharper; a blur lowers it sharply.
    public static func laplacianVariance(_ image: ByteImage) -> Double {
        let w = image.width, h = image.height, c = image.channels
        guard w >= 3, h >= 3, c >= 1 else { return 0 }
        var luma = [Double](repeating: 0, count: w * h)
        for i in 0..<(w * h) {
            let p = i * c
            luma[i] = c >= 3 ? 0.299 * Double(image.data[p]) + 0.587 * Double(image.data[p + 1]) + 0.114 * Double(image.data[p + 2])
                : Double(image.data[p])
        }
        var sum = 0.0, sumSq = 0.0
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let l = luma[i - 1] + luma[i + 1] + luma[i - w] + luma[i + w] - 4 * luma[i]
                sum += l; sumSq += l * l
            }
        }
        let n = Double((w - 2) * (h - 2))
        return sumSq / n - (sum / n) * (sum / n)
    }
}
