import Foundation

/// Runs an ncnn model (`.param` + `.bin`, e.g. Real-ESRGAN) on Kinema's kernels, NHWC float32.
///
/// Convolutions go through `Conv2DKernel`'s packed GEMM (implicit im2col, fused bias, PReLU/leaky ReLU and
/// residual); the layout ops have their own kernels. Memory is planned once per input size: every blob
/// gets a slot of one arena, reused once its last reader ran. Both the plan and the worker team are
/// reused across calls, so `run` allocates only its output tensor.
///
/// Thread safety: `run` holds a lock, so one net can be shared, but calls run one at a time (each call
/// already uses every thread of the team).
public final class NCNNNet: @unchecked Sendable {
    private let model: NCNNModel
    private let team: WorkerTeam
    private let lock = NSLock()
    private var plan: NCNNPlan?
    /// Channels the input must have (the first convolution's input channels).
    public let inputChannels: Int
    /// Packed weights, biases and slopes of every convolution, in op order.
    private let packed: [(weights: [Float], bias: [Float], alpha: [Float]?)]
    /// Zeros, as wide as the widest padded bias (the Winograd GEMMs add no bias).
    private let zeroBias: [Float]

    /// Loads a model from its two files.
    /// - Throws: `NCNNError` for malformed or unsupported models, or the file-read error.
    public convenience init(param: URL, weights: URL, threads: Int = 2) throws {
        let text = try String(contentsOf: param, encoding: .utf8)
        try self.init(param: text, weights: try Data(contentsOf: weights), threads: threads)
    }

    /// Loads a model from the `.param` text and the `.bin` bytes.
    /// - Throws: `NCNNError` for malformed or unsupported models.
    public init(param: String, weights: Data, threads: Int = 2) throws {
        model = try NCNNModel(param: NCNNParam(text: param), weights: weights)
        team = WorkerTeam(threads: threads)
        var channels: Int?
        var packed: [(weights: [Float], bias: [Float], alpha: [Float]?)] = []
        var zeros = 16
        for op in model.ops {
            guard case let .conv(c) = op else { continue }
            if c.input == model.inputBlob, channels == nil { channels = c.inC }
            let k = c.kernelH * c.kernelW * c.inC
            let nPad = (c.outC + PackedGemm.nr - 1) / PackedGemm.nr * PackedGemm.nr
            let alpha = c.alpha.map { a in a + [Float](repeating: 0, count: nPad - a.count) }
            let weights = WinogradConv.applies(kernelH: c.kernelH, kernelW: c.kernelW, strideH: c.strideH, strideW: c.strideW,
                                               dilationH: c.dilationH, dilationW: c.dilationW, inC: c.inC, outC: c.outC)
                ? WinogradConv.transformFilter(c.filter, outC: c.outC, inC: c.inC)
                : PackedGemm.pack(filter: c.filter[...], n: c.outC, k: k)
            packed.append((weights, PackedGemm.paddedBias(c.bias[...], n: c.outC), alpha))
            zeros = max(zeros, nPad)
        }
        guard let channels else { throw NCNNError.unsupported("the input is not read by a convolution") }
        inputChannels = channels
        self.packed = packed
        zeroBias = [Float](repeating: 0, count: zeros)
    }

    /// Number of ops after fusion (for tests and profiling).
    public var opCount: Int { model.ops.count }

    /// Seconds spent per op kind ("conv 3x3 64->64 @64x64", ...) summed over `run` calls since the last reset,
    /// when `profiling` is on (used by `kinema-bench upscale --ops`).
    public private(set) var profile: [String: Double] = [:]
    /// Turns per-op timing on (and clears it).
    public func setProfiling(_ on: Bool) { lock.lock(); profiling = on; profile = [:]; lock.unlock() }
    private var profiling = false

    /// Runs the net on `input` [1, H, W, C] and returns its output [1, OH, OW, OC].
    /// - Throws: `NCNNError.badInput` for a wrong shape, `.unsupported`/`.malformed` when the graph's
    ///   shapes do not fit together at this size.
    public func run(_ input: Tensor) throws -> Tensor {
        guard input.shape.count == 4, input.shape[0] == 1, input.shape[3] == inputChannels,
              (1...8192).contains(input.shape[1]), (1...8192).contains(input.shape[2]) else {
            throw NCNNError.badInput("shape \(input.shape), expected [1, H, W, \(inputChannels)]")
        }
        lock.lock()
        defer { lock.unlock() }
        let h = input.shape[1], w = input.shape[2]
        if plan?.height != h || plan?.width != w { plan = nil; plan = try NCNNPlan(model: model, height: h, width: w, channels: inputChannels, threads: team.threads) }
        let p = plan!
        input.data.withUnsafeBufferPointer { p.pointer(model.inputBlob).update(from: $0.baseAddress!, count: $0.count) }
        var convIndex = 0
        for op in model.ops {
            let t0 = profiling ? DispatchTime.now().uptimeNanoseconds : 0
            defer { if profiling { profile[describe(op, p), default: 0] += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 } }
            switch op {
            case .input, .alias: break
            case let .conv(c):
                let (runner, packs) = (p.convKernels[convIndex], packed[convIndex])
                convIndex += 1
                packs.weights.withUnsafeBufferPointer { wp in
                    packs.bias.withUnsafeBufferPointer { bp in
                        let run = { (alpha: UnsafePointer<Float>?) in
                            let residual = c.residual.map { UnsafePointer(p.pointer($0)) }
                            switch runner {
                            case let .direct(kernel):
                                kernel.run(input: p.pointer(c.input), filter: wp.baseAddress!, bias: nil,
                                           packedWeights: wp.baseAddress!, packedBias: bp.baseAddress!, preluAlpha: alpha,
                                           residual: residual, output: p.pointer(c.output), scratch: p.scratch, team: self.team)
                            case let .winograd(w):
                                self.zeroBias.withUnsafeBufferPointer { zp in
                                    w.run(input: p.pointer(c.input), packedU: wp.baseAddress!, bias: bp.baseAddress!, zeroBias: zp.baseAddress!,
                                          alpha: alpha, residual: residual, output: p.pointer(c.output), scratch: p.scratch, team: self.team)
                                }
                            }
                        }
                        if let a = packs.alpha { a.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
                    }
                }
            case let .prelu(i, o, slopes):
                let s = p.shapes[i]
                let full = slopes.count == s.c ? slopes : Array(repeating: slopes[0], count: s.c)
                full.withUnsafeBufferPointer { preluKernel(p.pointer(i), count: s.count, alpha: $0.baseAddress!, alphaCount: s.c, p.pointer(o), team: team) }
            case let .pixelShuffle(i, o, f, m):
                let s = p.shapes[i]
                pixelShuffleKernel(p.pointer(i), h: s.h, w: s.w, outC: s.c / (f * f), factor: f, mode: m, p.pointer(o), team: team)
            case let .nearest(i, o, sy, sx):
                let s = p.shapes[i]
                nearestUpsampleKernel(p.pointer(i), h: s.h, w: s.w, c: s.c, scaleY: sy, scaleX: sx, p.pointer(o), team: team)
            case let .sum(ins, o, coeffs):
                weightedSumKernel(ins.map { UnsafePointer(p.pointer($0)) }, coeffs: coeffs, count: p.shapes[o].count, p.pointer(o), team: team)
            case let .concat(ins, o):
                let s = p.shapes[o]
                concatChannelsKernel(ins.map { UnsafePointer(p.pointer($0)) }, channels: ins.map { p.shapes[$0].c }, pixels: s.h * s.w,
                                     p.pointer(o), team: team)
            }
        }
        let s = p.shapes[model.outputBlob]
        let out = UnsafeBufferPointer(start: p.pointer(model.outputBlob), count: s.count)
        return try Tensor(shape: [1, s.h, s.w, s.c], data: Array(out))
    }

    private func describe(_ op: NCNNModel.Op, _ p: NCNNPlan) -> String {
        switch op {
        case let .conv(c):
            let s = p.shapes[c.input]
            return "conv \(c.kernelH)x\(c.kernelW) \(c.inC)->\(c.outC) @\(s.h)x\(s.w)\(c.residual == nil ? "" : " +res")"
        case .prelu: return "prelu"
        case .pixelShuffle: return "pixelshuffle"
        case .nearest: return "nearest"
        case .sum: return "sum"
        case .concat: return "concat"
        case .input, .alias: return "input"
        }
    }
}
