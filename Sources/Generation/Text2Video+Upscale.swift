import Foundation
import Imaging
import Upscale

/// The learned part of text2video's enlargement: the generator's native frames go through a Real-ESRGAN
/// network (×4) before `FrameUpscaler` resamples them to the output size with the camera. With
/// `UpscaleMethod.lanczos`, or when the generator's frames are already as large as the output (a
/// diffusion backend at 512×512), it passes frames through unchanged.
struct NetworkEnlarger: Sendable {
    /// The network (nil for Lanczos).
    let network: ESRGANUpscaler?
    /// Input and output frame sizes.
    let inWidth: Int, inHeight: Int, outWidth: Int, outHeight: Int

    /// Context pixels mirrored around a whole frame: the generator's frames have no neighbours, and a few
    /// mirrored pixels are enough for the border (10, as ncnn uses for tiles, costs 1.7× the work at 64×64;
    /// 2 costs 1.13×), all the more as the idle camera drift always crops the outer 2-6%.
    static let framePadding = 2

    /// Loads the network for `method` (none for Lanczos, or when `width`×`height` already covers the output).
    /// - Throws: `UpscaleError.modelNotFound` when the model files are missing.
    init(method: UpscaleMethod, width: Int, height: Int, outputWidth: Int, outputHeight: Int) throws {
        inWidth = width; inHeight = height
        if method == .lanczos || (width >= outputWidth && height >= outputHeight) {
            network = nil
            outWidth = width; outHeight = height
        } else {
            let net = try ESRGANUpscaler(method, tile: max(width, height), padding: Self.framePadding)
            network = net
            outWidth = width * net.scale; outHeight = height * net.scale
        }
    }

    /// Enlarges `count` frames stored back to back (HWC floats, 0…1); returns them back to back. The first
    /// `skip` frames (before a segment's start, never emitted) come back black instead of costing a network run.
    /// - Throws: `UpscaleError.network` if the network fails.
    func enlarge(_ pixels: [Float], count: Int, skip: Int = 0) throws -> [Float] {
        guard let network else { return pixels }
        let per = inWidth * inHeight * 3
        var out = [Float](repeating: 0, count: min(skip, count) * outWidth * outHeight * 3)
        out.reserveCapacity(count * outWidth * outHeight * 3)
        for i in min(skip, count)..<count {
            let frame = Image(width: inWidth, height: inHeight, channels: 3, data: Array(pixels[(i * per)..<((i + 1) * per)]))
            out.append(contentsOf: try network.upscale(frame).data)
        }
        return out
    }
}
