import Dispatch

extension Interpreter {
    /// One executed op's share of an inference, from `profileOps`.
    public struct OpTiming: Sendable {
        /// The op kind and its main shape, e.g. `CONV_2D 1x1 4096x24->28`.
        public let label: String
        /// Mean wall-clock microseconds per run.
        public let microseconds: Double
        /// Fastest run's microseconds (least disturbed by other load; for A/B comparisons).
        public let minMicroseconds: Double
    }

    /// Runs the model `iterations` times and times every executed op, for finding hot spots.
    /// - Throws: `TFLiteError.badInput` as `run`.
    public func profileOps(_ inputs: [Tensor], iterations: Int) throws -> [OpTiming] {
        _ = try run(inputs)
        var totals = [UInt64](repeating: 0, count: steps.count)
        var fastest = [UInt64](repeating: .max, count: steps.count)
        for _ in 0..<max(iterations, 1) {
            var times = [UInt64](repeating: 0, count: steps.count)
            _ = try run(inputs, stepTimes: &times)
            for i in times.indices {
                totals[i] += times[i]
                fastest[i] = min(fastest[i], times[i])
            }
        }
        return steps.indices.map { i in
            OpTiming(label: steps[i].label, microseconds: Double(totals[i]) / 1000 / Double(max(iterations, 1)),
                     minMicroseconds: Double(fastest[i]) / 1000)
        }
    }
}

extension Step {
    var label: String {
        switch config {
        case let .conv(k):
            let g = k.g
            return "CONV_2D \(g.kernelH)x\(g.kernelW)/\(g.strideH) \(g.outH)x\(g.outW) \(g.inC)->\(g.outC)"
        case let .depthwise(k):
            let g = k.g
            return "DEPTHWISE \(g.kernelH)x\(g.kernelW)/\(g.strideH) \(g.outH)x\(g.outW)x\(g.outC)"
        case let .add(count, bCount, _, _): return "ADD \(count) (+\(bCount))"
        case let .activation(count, _): return "ACTIVATION \(count)"
        case let .prelu(count, _): return "PRELU \(count)"
        case let .maxPool(k): return "MAX_POOL \(k.g.outH)x\(k.g.outW)x\(k.g.outC)"
        case let .pad(k): return "PAD \(k.inDims)->\(k.outDims)"
        case let .copy(count): return "COPY \(count)"
        case .concat: return "CONCATENATION"
        case let .resize(k): return "RESIZE_BILINEAR \(k.outH)x\(k.outW)x\(k.c)"
        case .folded: return "FOLDED"
        }
    }
}
