import Imaging

/// Errors from the flow module's metrics.
public enum FlowError: Error, Equatable, CustomStringConvertible {
    /// Two frames that must match in size do not.
    case sizeMismatch(expected: String, got: String)
    /// Fewer than two frames were supplied, so there is no frame pair to measure.
    case tooFewFrames(Int)

    /// A one-line, human-readable message.
    public var description: String {
        switch self {
        case .sizeMismatch(let e, let g): return "frame size mismatch: expected \(e), got \(g)"
        case .tooFewFrames(let n): return "warp error needs at least 2 frames, got \(n)"
        }
    }
}

/// Streaming warping error E_warp (Lai et al., "Learning Blind Video Temporal Consistency", ECCV 2018).
///
/// E_warp = 1/(T−1) Σ_t [ Σ_x M_t(x) ‖V_t(x) − Ṽ_{t+1}(x)‖² / Σ_x M_t(x) ], where Ṽ_{t+1} is processed
/// frame t+1 warped back to t with the flow t→t+1 of the ORIGINAL video, M_t is the non-occlusion
/// mask of that flow (`Occlusion.validMask`, forward–backward test and motion boundaries), ‖·‖² sums
/// the squared differences of the RGB channels (values in 0…1), and the denominator counts pixels.
/// Flow is computed on the original's luma, downscaled so the longer side is at most `maxFlowSide`,
/// then upsampled with its mask to full size. Frames stream in: memory does not grow with length.
public struct WarpErrorMeter {
    /// Number of processed streams measured against the same original.
    public let streams: Int
    /// The flow estimator used on the original.
    public var flow: DISFlow
    /// Longest side of the working size for flow.
    public var maxFlowSide: Int
    private var prevOriginal: Image?
    private var prevLuma: Plane?
    private var prevProcessed: [Image] = []
    private var sums: [Double]
    private var originalSum: Double = 0
    /// Frame pairs measured so far.
    public private(set) var pairs = 0
    /// Total fraction of pixels masked out as occluded, summed over pairs.
    public private(set) var occludedFractionSum: Double = 0

    /// Creates a meter for `streams` processed versions of one original.
    public init(streams: Int = 1, preset: DISPreset = .medium, maxFlowSide: Int = 640) {
        self.streams = streams
        self.flow = DISFlow(preset: preset)
        self.maxFlowSide = maxFlowSide
        self.sums = [Double](repeating: 0, count: streams)
    }

    /// Adds the next original frame and its processed versions (one per stream), all the same size.
    /// - Throws: `FlowError.sizeMismatch` when sizes or channel counts differ.
    public mutating func add(original: Image, processed: [Image]) throws {
        precondition(processed.count == streams, "expected \(streams) processed frames")
        let expect = "\(original.width)x\(original.height)x3"
        guard original.channels >= 3 else { throw FlowError.sizeMismatch(expected: expect, got: "\(original.channels) channels") }
        for p in processed where p.width != original.width || p.height != original.height || p.channels != original.channels {
            throw FlowError.sizeMismatch(expected: expect, got: "\(p.width)x\(p.height)x\(p.channels)")
        }
        if let o = prevOriginal, o.width != original.width || o.height != original.height {
            throw FlowError.sizeMismatch(expected: "\(o.width)x\(o.height)", got: "\(original.width)x\(original.height)")
        }
        let luma = workingLuma(original)
        if let prevO = prevOriginal, let prevL = prevLuma {
            let fw = flow.flow(from: prevL, to: luma), bw = flow.flow(from: luma, to: prevL)
            let scale = Float(original.width) / Float(luma.width)
            var mask = Occlusion.validMask(flow: fw, reverse: bw, pixelScale: scale)
            let full = fw.resized(width: original.width, height: original.height)
            mask = mask.resized(width: original.width, height: original.height).map { $0 >= 0.5 ? 1 : 0 }
            occludedFractionSum += 1 - Double(mask.mean)
            originalSum += Self.maskedError(prevO, Warp.backward(original, flow: full), mask)
            for s in 0..<streams {
                sums[s] += Self.maskedError(prevProcessed[s], Warp.backward(processed[s], flow: full), mask)
            }
            pairs += 1
        }
        prevOriginal = original; prevLuma = luma; prevProcessed = processed
    }

    /// E_warp of each processed stream so far (mean over pairs).
    /// - Throws: `FlowError.tooFewFrames` before the second frame.
    public func values() throws -> [Double] {
        guard pairs > 0 else { throw FlowError.tooFewFrames(pairs) }
        return sums.map { $0 / Double(pairs) }
    }

    /// E_warp of the original itself, the floor that flow errors alone produce.
    /// - Throws: `FlowError.tooFewFrames` before the second frame.
    public func originalValue() throws -> Double {
        guard pairs > 0 else { throw FlowError.tooFewFrames(pairs) }
        return originalSum / Double(pairs)
    }

    private func workingLuma(_ image: Image) -> Plane {
        var l = Plane(luminanceOf: image)
        while max(l.width, l.height) > maxFlowSide && min(l.width, l.height) >= 2 { l = l.halved() }
        return l
    }

    /// Σ_x M(x) Σ_c (a − b)² / Σ_x M(x); the plain mean when nothing is valid.
    static func maskedError(_ a: Image, _ b: Image, _ mask: Plane) -> Double {
        let c = a.channels, n = a.width * a.height
        var sum: Double = 0, msum: Double = 0
        a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in mask.data.withUnsafeBufferPointer { m in
            for i in 0..<n where m[i] > 0 {
                var e: Float = 0
                for k in 0..<c { let d = pa[i * c + k] - pb[i * c + k]; e += d * d }
                sum += Double(m[i] * e); msum += Double(m[i])
            }
        }}}
        return msum > 0 ? sum / msum : 0
    }
}
