import Imaging

/// Temporal flicker: the mean absolute difference (0...255) between consecutive 8-bit frames, and
/// VBench's temporal-flicker score (255 − MAD) / 255.
public struct FlickerMetric: Sendable {
    /// MAD of each consecutive pair, in order.
    public private(set) var pairMADs: [Double] = []
    private var previous: ByteImage?

    /// Creates an empty accumulator.
    public init() {}

    /// Adds the next frame.
    /// - Throws: `GenerationError.badSetting` if its size differs from the previous frame's.
    public mutating func add(_ frame: ByteImage) throws {
        defer { previous = frame }
        guard let p = previous else { return }
        guard p.width == frame.width, p.height == frame.height, p.channels == frame.channels else {
            throw GenerationError.badSetting("frame size changed from \(p.width)x\(p.height) to \(frame.width)x\(frame.height)")
        }
        pairMADs.append(Self.mad(p, frame))
    }

    /// Mean absolute difference between two equally sized images, in 0...255.
    public static func mad(_ a: ByteImage, _ b: ByteImage) -> Double {
        precondition(a.data.count == b.data.count)
        guard !a.data.isEmpty else { return 0 }
        var total: UInt64 = 0
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                var i = 0
                while i < pa.count {
                    var s: UInt32 = 0
                    let end = min(i + 65536, pa.count)
                    while i < end { let d = Int16(pa[i]) - Int16(pb[i]); s &+= UInt32(d < 0 ? -d : d); i += 1 }
                    total &+= UInt64(s)
                }
            }
        }
        return Double(total) / Double(a.data.count)
    }

    /// Mean of the pair MADs (0 for fewer than two frames).
    public var meanMAD: Double { pairMADs.isEmpty ? 0 : pairMADs.reduce(0, +) / Double(pairMADs.count) }
    /// Largest pair MAD.
    public var maxMAD: Double { pairMADs.max() ?? 0 }
    /// VBench temporal-flicker score, (255 − mean MAD) / 255.
    public var vbenchScore: Double { (255 - meanMAD) / 255 }
}
