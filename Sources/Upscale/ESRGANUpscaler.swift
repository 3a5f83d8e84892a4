import Foundation
import Imaging
import Neural

/// Learned ×4 super-resolution with Real-ESRGAN (x4plus or the compact animevideov3 model), run on
/// Neural's ncnn reader and kernels.
///
/// Images go through in tiles (default 64×64) so memory stays bounded for any input size; each tile is
/// read with `padding` extra pixels on every side (mirrored beyond the image edge without repeating the
/// edge pixel, which is what ncnn's Real-ESRGAN does: measured, it matches ncnn to 0.02 levels where
/// edge replication leaves 0.9), and only the tile's own ×4 output is kept, so tiles join without seams.
public final class ESRGANUpscaler: Sendable {
    /// Which network.
    public let method: UpscaleMethod
    /// Enlargement factor of the network (4).
    public let scale = 4
    /// Tile size in input pixels.
    public let tile: Int
    /// Context pixels read around each tile (10 matches ncnn's Real-ESRGAN; fewer is faster).
    public let padding: Int
    private let net: NCNNNet

    /// Loads the network from Kinema's `models/` folder (`ModelLocator`).
    /// - Throws: `UpscaleError.modelNotFound` (with how to fetch it), `.network` for a bad model file.
    public convenience init(_ method: UpscaleMethod, tile: Int = 64, padding: Int = 10, threads: Int = 2) throws {
        guard let files = method.modelFiles else { throw UpscaleError.network("\(method.rawValue) is not a network") }
        let param: URL, weights: URL
        do { param = try ModelLocator.url(named: files.param); weights = try ModelLocator.url(named: files.weights) } catch {
            throw UpscaleError.modelNotFound(files.weights)
        }
        try self.init(method, param: param, weights: weights, tile: tile, padding: padding, threads: threads)
    }

    /// Loads the network from explicit files.
    /// - Throws: `UpscaleError.network` when the files cannot be read or are not a supported ncnn model.
    public init(_ method: UpscaleMethod, param: URL, weights: URL, tile: Int = 64, padding: Int = 10, threads: Int = 2) throws {
        self.method = method
        self.tile = max(16, min(tile, 512))
        self.padding = max(0, min(padding, 32))
        do { net = try NCNNNet(param: param, weights: weights, threads: threads) } catch {
            throw UpscaleError.network("\(param.lastPathComponent): \(error)")
        }
        guard net.inputChannels == 3 else { throw UpscaleError.network("\(param.lastPathComponent) takes \(net.inputChannels) channels, not RGB") }
    }

    /// Enlarges an RGB image (values 0…1) four times; the output is clamped to 0…1.
    /// - Throws: `UpscaleError.network` if the network fails (e.g. the image is not RGB).
    public func upscale(_ image: Image) throws -> Image {
        guard image.channels == 3, image.width > 0, image.height > 0 else {
            throw UpscaleError.network("upscale needs an RGB image, got \(image.channels) channels")
        }
        let w = image.width, h = image.height, ow = w * scale
        var out = [Float](repeating: 0, count: ow * h * scale * 3)
        for ty in stride(from: 0, to: h, by: tile) {
            for tx in stride(from: 0, to: w, by: tile) {
                let tw = min(tile, w - tx), th = min(tile, h - ty)
                let x0 = tx - padding, y0 = ty - padding, pw = tw + 2 * padding, ph = th + 2 * padding
                var input = [Float](repeating: 0, count: pw * ph * 3)
                for y in 0..<ph {
                    let sy = Self.mirror(y0 + y, h)
                    for x in 0..<pw {
                        let sx = Self.mirror(x0 + x, w)
                        for c in 0..<3 { input[(y * pw + x) * 3 + c] = image.data[(sy * w + sx) * 3 + c] }
                    }
                }
                let result: Tensor
                do { result = try net.run(Tensor(shape: [1, ph, pw, 3], data: input)) } catch {
                    throw UpscaleError.network("\(method.rawValue): \(error)")
                }
                guard result.shape == [1, ph * scale, pw * scale, 3] else {
                    throw UpscaleError.network("\(method.rawValue) returned \(result.shape), expected ×\(scale) RGB")
                }
                let rw = pw * scale
                result.data.withUnsafeBufferPointer { r in
                    for y in 0..<(th * scale) {
                        let src = r.baseAddress! + ((y + padding * scale) * rw + padding * scale) * 3
                        let dst = ((ty * scale + y) * ow + tx * scale) * 3
                        for i in 0..<(tw * scale * 3) { out[dst + i] = min(max(src[i], 0), 1) }
                    }
                }
            }
        }
        return Image(width: ow, height: h * scale, channels: 3, data: out)
    }

    /// Index `i` mirrored into 0..<n about the edge pixels (…, 2, 1, 0, 1, 2, …, n−2, n−1, n−2, …).
    static func mirror(_ i: Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }
}
