import Foundation
import Imaging
import Neural

/// Upscales native generator frames (e.g. 64×64) to the output size with Lanczos-3, a mild separable
/// unsharp mask, and the camera's zoom and pan, as two small GEMMs per frame.
///
/// Resampling, sharpening and an axis-aligned crop are all linear and separable, so each axis becomes one
/// matrix: `out[H, W·3] = Ay[H, h] × (in[h, w·3] × (Ax ⊗ I₃)ᵀ)`, with `Ax = Sx·Ux` (unsharp × Lanczos).
/// Sampling the native frame directly through the camera avoids resampling twice. Rotation, which is
/// not separable, is applied afterwards with a bilinear warp about the frame centre.
public struct FrameUpscaler: Sendable {
    /// Output width.
    public let width: Int
    /// Output height.
    public let height: Int
    /// Input (native) width.
    public let inWidth: Int
    /// Input (native) height.
    public let inHeight: Int
    /// Unsharp amount (0 disables sharpening).
    public var sharpenAmount: Float = 0.5
    /// Unsharp Gaussian sigma in output pixels, as a fraction of the scale factor.
    public var sharpenSigmaPerScale: Float = 0.35

    /// Creates an upscaler from `inWidth`×`inHeight` to `width`×`height`.
    public init(inWidth: Int, inHeight: Int, width: Int, height: Int) {
        self.inWidth = inWidth; self.inHeight = inHeight; self.width = width; self.height = height
    }

    /// Resamples one RGB frame (HWC floats in 0...1, `inWidth`×`inHeight`) through `camera`, and quantises to bytes.
    public func render(_ frame: UnsafeBufferPointer<Float>, camera: CameraPose) -> ByteImage {
        precondition(frame.count == inWidth * inHeight * 3)
        let ax = axisMatrix(out: width, in: inWidth, zoom: camera.zoom, pan: camera.panX)
        let ay = axisMatrix(out: height, in: inHeight, zoom: camera.zoom, pan: camera.panY)
        // Kx = Ax ⊗ I3 as [W·3, w·3] so the horizontal pass keeps channels interleaved.
        var kx = [Float](repeating: 0, count: width * 3 * inWidth * 3)
        for x in 0..<width { for j in 0..<inWidth { let v = ax[x * inWidth + j]; if v != 0 { for c in 0..<3 { kx[(x * 3 + c) * inWidth * 3 + j * 3 + c] = v } } } }
        var tmp = [Float](repeating: 0, count: inHeight * width * 3)
        var out = [Float](repeating: 0, count: height * width * 3)
        // tmp[h, W·3] = in[h, w·3] × Kxᵀ
        Matmul.multiply(frame.baseAddress!, kx, into: &tmp, m: inHeight, n: width * 3, k: inWidth * 3, transposeB: true)
        // out[H, W·3] = Ay[H, h] × tmp[h, W·3]
        Matmul.multiply(ay, tmp, into: &out, m: height, n: width * 3, k: inHeight)
        if camera.rotation != 0 { out = rotated(out, degrees: camera.rotation) }
        return ByteImage(Image(width: width, height: height, channels: 3, data: out))
    }

    /// [out, in] matrix: Lanczos-3 sampling through zoom/pan, then a separable unsharp mask.
    func axisMatrix(out n: Int, in m: Int, zoom: Double, pan: Double) -> [Float] {
        let scale = Double(m) / Double(n)               // input px per output px at zoom 1
        var u = [Float](repeating: 0, count: n * m)
        let support = 3.0 * max(1, scale / zoom)       // widen the kernel when minifying
        let stretch = max(1, scale / zoom)
        for x in 0..<n {
            // Output pixel centre -> camera -> input coordinate (pixel centres at i + 0.5).
            let o = (Double(x) + 0.5 - Double(n) / 2) / zoom + Double(n) / 2 + pan * Double(n)
            let s = o * scale - 0.5
            var weights: [(Int, Double)] = []
            var total = 0.0
            for j in Int((s - support).rounded(.down))...Int((s + support).rounded(.up)) {
                let w = lanczos3((s - Double(j)) / stretch)
                if w == 0 { continue }
                weights.append((min(max(j, 0), m - 1), w))
                total += w
            }
            guard total != 0 else { continue }
            for (j, w) in weights { u[x * m + j] += Float(w / total) }
        }
        guard sharpenAmount > 0 else { return u }
        // Unsharp: S = (1 + a)·I − a·G, with G a normalised Gaussian (edges replicated).
        let sigma = Double(sharpenSigmaPerScale) / scale
        let r = max(1, Int((3 * sigma).rounded(.up)))
        var g = (-r...r).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let gs = g.reduce(0, +)
        g = g.map { $0 / gs }
        let a = Double(sharpenAmount)
        var out = [Float](repeating: 0, count: n * m)
        for x in 0..<n {
            for j in 0..<m { out[x * m + j] = Float(1 + a) * u[x * m + j] }
            for (k, gk) in g.enumerated() {
                let xs = min(max(x + k - r, 0), n - 1)
                let f = Float(a * gk)
                for j in 0..<m { out[x * m + j] -= f * u[xs * m + j] }
            }
        }
        return out
    }

    private func lanczos3(_ x: Double) -> Double {
        let ax = abs(x)
        if ax < 1e-12 { return 1 }
        if ax >= 3 { return 0 }
        let px = Double.pi * x
        return 3 * sin(px) * sin(px / 3) / (px * px)
    }

    /// Bilinear rotation about the frame centre (positive = counter-clockwise); edges replicated.
    func rotated(_ src: [Float], degrees: Double) -> [Float] {
        let w = width, h = height
        let th = degrees * Double.pi / 180
        let (c, s) = (Float(cos(th)), Float(sin(th)))
        let cx = Float(w) / 2, cy = Float(h) / 2
        var dst = [Float](repeating: 0, count: src.count)
        src.withUnsafeBufferPointer { sp in
            dst.withUnsafeMutableBufferPointer { dp in
                let job = RotateJob(src: sp.baseAddress!, dst: dp.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: h) { y in
                    let src = job.src, dst = job.dst
                    let dy = Float(y) + 0.5 - cy
                    for x in 0..<w {
                        let dx = Float(x) + 0.5 - cx
                        // Output -> input: rotate by -θ in image coordinates (y down), so content turns counter-clockwise.
                        let sx = c * dx - s * dy + cx - 0.5
                        let sy = s * dx + c * dy + cy - 0.5
                        let x0f = sx.rounded(.down), y0f = sy.rounded(.down)
                        let fx = sx - x0f, fy = sy - y0f
                        let x0 = min(max(Int(x0f), 0), w - 1), x1 = min(max(Int(x0f) + 1, 0), w - 1)
                        let y0 = min(max(Int(y0f), 0), h - 1), y1 = min(max(Int(y0f) + 1, 0), h - 1)
                        for ch in 0..<3 {
                            let a = src[(y0 * w + x0) * 3 + ch], b = src[(y0 * w + x1) * 3 + ch]
                            let cc = src[(y1 * w + x0) * 3 + ch], d = src[(y1 * w + x1) * 3 + ch]
                            dst[(y * w + x) * 3 + ch] = (a + (b - a) * fx) * (1 - fy) + (cc + (d - cc) * fx) * fy
                        }
                    }
                }
            }
        }
        return dst
    }
}

private struct RotateJob: @unchecked Sendable {
    let src: UnsafePointer<Float>
    let dst: UnsafeMutablePointer<Float>
}
