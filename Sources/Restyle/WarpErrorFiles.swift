import Foundation
import Flow
import Imaging
import VideoIO

/// E_warp of a processed video against its original (`WarpErrorMeter` over two files).
public struct WarpErrorResult: Sendable, Codable {
    /// E_warp of the processed video, flow and occlusion from the original.
    public var processed: Double
    /// E_warp of the original itself (same flows): the floor flow errors produce.
    public var original: Double
    /// Frame pairs measured.
    public var pairs: Int
    /// Mean fraction of pixels masked as occluded.
    public var occludedFraction: Double
}

/// Errors of the warp-error measurement.
public enum WarpErrorFileError: Error, Equatable, CustomStringConvertible {
    /// The two videos have different frame sizes.
    case sizeMismatch(original: String, processed: String)
    /// Fewer than two frames could be paired.
    case tooShort(frames: Int)

    /// A one-line, human-readable message.
    public var description: String {
        switch self {
        case .sizeMismatch(let o, let p): return "frame sizes differ: original \(o), processed \(p)"
        case .tooShort(let n): return "need at least 2 frames in both videos, got \(n)"
        }
    }
}

extension WarpErrorResult {
    /// Streams both videos frame by frame (memory does not grow with length) and measures E_warp.
    /// Extra frames in the longer video are ignored.
    /// - Throws: `VideoIOError` when a file cannot be read, `WarpErrorFileError` on size mismatch or too few frames.
    public static func measure(original: URL, processed: URL, preset: DISPreset = .medium,
                               maxFlowSide: Int = 640, maxFrames: Int? = nil) throws -> WarpErrorResult {
        let a = try VideoReader(url: original), b = try VideoReader(url: processed)
        let ma = a.metadata, mb = b.metadata
        guard ma.width == mb.width, ma.height == mb.height else {
            throw WarpErrorFileError.sizeMismatch(original: "\(ma.width)x\(ma.height)", processed: "\(mb.width)x\(mb.height)")
        }
        var meter = WarpErrorMeter(streams: 1, preset: preset, maxFlowSide: maxFlowSide)
        var n = 0
        while maxFrames.map({ n < $0 }) ?? true, let fa = try a.nextFrame(), let fb = try b.nextFrame() {
            try meter.add(original: Image(fa.image), processed: [Image(fb.image)])
            n += 1
        }
        guard meter.pairs > 0 else { throw WarpErrorFileError.tooShort(frames: n) }
        return WarpErrorResult(processed: try meter.values()[0], original: try meter.originalValue(), pairs: meter.pairs,
                               occludedFraction: meter.occludedFractionSum / Double(meter.pairs))
    }
}
