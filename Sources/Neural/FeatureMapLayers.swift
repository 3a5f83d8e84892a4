import Foundation
import Imaging

/// Threads that run `ConstantConv2D` and the feature-map kernels: the calling thread plus
/// `threads - 1` persistent workers (a `WorkerTeam`). One caller at a time.
public final class ComputeTeam: Sendable {
    let team: WorkerTeam
    /// Threads in the team, the caller included.
    public var threads: Int { team.threads }
    /// Starts the workers.
    public init(threads: Int) { team = WorkerTeam(threads: threads) }
}

/// A convolution with constant weights on NHWC feature maps, VALID (pad the input first, e.g. with
/// `reflectPadded`), on Neural's packed GEMM (`Conv2DKernel`: implicit GEMM on interior pixels).
///   input  [1, H, W, Cin]
///   weight [Cout, Cin, KH, KW] (ONNX / PyTorch layout, repacked once here)
///   bias   [Cout] or none
///   output [1, (H − KH)/stride + 1, (W − KW)/stride + 1, Cout]
public struct ConstantConv2D: Sendable {
    /// Output channels.
    public let outChannels: Int
    /// Input channels.
    public let inChannels: Int
    /// Kernel height and width.
    public let kernel: Int
    /// Stride (both axes).
    public let stride: Int
    let packedWeights: [Float]
    let packedBias: [Float]

    /// Repacks OIHW weights.
    /// - Throws: `ONNXError.missing` when the counts do not match the geometry.
    public init(weightsOIHW w: [Float], outChannels: Int, inChannels: Int, kernel: Int, stride: Int, bias: [Float]? = nil) throws {
        guard outChannels > 0, inChannels > 0, kernel > 0, kernel <= 64, stride > 0, stride <= 16,
              w.count == outChannels * inChannels * kernel * kernel, bias.map({ $0.count == outChannels }) ?? true else {
            throw ONNXError.missing("conv weights of \(w.count) values for \(outChannels)×\(inChannels)×\(kernel)×\(kernel)")
        }
        self.outChannels = outChannels; self.inChannels = inChannels; self.kernel = kernel; self.stride = stride
        // OIHW → [O][KH][KW][I], the filter layout Conv2DKernel reads (K = KH·KW·I, channels fastest).
        var ohwi = [Float](repeating: 0, count: w.count)
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        ohwi[((o * kernel + ky) * kernel + kx) * inChannels + i] = w[((o * inChannels + i) * kernel + ky) * kernel + kx]
                    }
                }
            }
        }
        let k = kernel * kernel * inChannels
        packedWeights = PackedGemm.pack(filter: ohwi[...], n: outChannels, k: k)
        packedBias = PackedGemm.paddedBias(bias.map { $0[...] }, n: outChannels)
    }

    /// Convolves `x` (VALID).
    /// - Throws: `ONNXError.missing` when `x` is not [1, H, W, inChannels] with H, W ≥ kernel.
    public func callAsFunction(_ x: Tensor, team: ComputeTeam) throws -> Tensor {
        guard x.shape.count == 4, x.shape[0] == 1, x.shape[3] == inChannels, x.shape[1] >= kernel, x.shape[2] >= kernel else {
            throw ONNXError.missing("a [1, H≥\(kernel), W≥\(kernel), \(inChannels)] input for a conv, got \(x.shape)")
        }
        let h = x.shape[1], w = x.shape[2]
        let oh = (h - kernel) / stride + 1, ow = (w - kernel) / stride + 1
        let g = ConvGeometry(batch: 1, inH: h, inW: w, inC: inChannels, outH: oh, outW: ow, outC: outChannels,
                             kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride,
                             dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0)
        let conv = Conv2DKernel(geometry: g, activation: .none)
        var out = Tensor(shape: [1, oh, ow, outChannels])
        let threads = team.threads, per = max(conv.scratchFloats, 1)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: per * threads)
        defer { scratch.deallocate() }
        x.data.withUnsafeBufferPointer { src in
            packedWeights.withUnsafeBufferPointer { pw in packedBias.withUnsafeBufferPointer { pb in
                out.data.withUnsafeMutableBufferPointer { dst in
                    conv.run(input: src.baseAddress!, filter: pw.baseAddress!, bias: nil,
                             packedWeights: pw.baseAddress!, packedBias: pb.baseAddress!, output: dst.baseAddress!,
                             scratch: (0..<threads).map { scratch + $0 * per }, team: team.team)
                }
            }}
        }
        return out
    }
}

/// Feature-map kernels on NHWC tensors [1, H, W, C] that the ONNX stylisation networks need.
public enum FeatureMap {
    /// Reflect padding (PyTorch/ONNX "reflect": the edge pixel is not repeated) by `p` on all four sides.
    ///   input [1, H, W, C] → output [1, H + 2p, W + 2p, C]
    /// - Throws: `ONNXError.missing` when `p` ≥ H or W (reflection needs p < size).
    public static func reflectPadded(_ x: Tensor, _ p: Int) throws -> Tensor {
        guard x.shape.count == 4, x.shape[0] == 1, p >= 0, p < x.shape[1], p < x.shape[2] else {
            throw ONNXError.missing("a [1, H, W, C] input larger than the reflect pad \(p), got \(x.shape)")
        }
        let h = x.shape[1], w = x.shape[2], c = x.shape[3], ow = w + 2 * p
        var out = Tensor(shape: [1, h + 2 * p, ow, c])
        x.data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            let src = s.baseAddress!, dst = d.baseAddress!
            for oy in 0..<(h + 2 * p) {
                var y = oy - p
                if y < 0 { y = -y } else if y >= h { y = 2 * (h - 1) - y }
                let srow = src + y * w * c, drow = dst + oy * ow * c
                (drow + p * c).update(from: srow, count: w * c)
                for i in 0..<p {
                    (drow + (p - 1 - i) * c).update(from: srow + (i + 1) * c, count: c)
                    (drow + (p + w + i) * c).update(from: srow + (w - 2 - i) * c, count: c)
                }
            }
        }}
        return out
    }

    /// Nearest-neighbour ×2 upsampling (ONNX Resize, nearest, asymmetric, floor: out(y, x) = in(y/2, x/2)).
    ///   input [1, H, W, C] → output [1, 2H, 2W, C]
    public static func upsampledNearest2x(_ x: Tensor) -> Tensor {
        let h = x.shape[1], w = x.shape[2], c = x.shape[3]
        var out = Tensor(shape: [1, 2 * h, 2 * w, c])
        x.data.withUnsafeBufferPointer { s in out.data.withUnsafeMutableBufferPointer { d in
            let src = s.baseAddress!, dst = d.baseAddress!
            for y in 0..<h {
                let srow = src + y * w * c, d0 = dst + 2 * y * 2 * w * c
                for xx in 0..<w {
                    (d0 + 2 * xx * c).update(from: srow + xx * c, count: c)
                    (d0 + (2 * xx + 1) * c).update(from: srow + xx * c, count: c)
                }
                (d0 + 2 * w * c).update(from: d0, count: 2 * w * c)
            }
        }}
        return out
    }

    /// What follows the affine step of `instanceNormalize`.
    public enum Activation: Sendable { case none, relu, sigmoid }

    /// Instance normalisation with a per-channel affine and activation, in place:
    /// y = act(scale_c · (x − μ_c) / sqrt(σ²_c + ε) + shift_c), μ and σ² (biased) over the H·W pixels of channel c.
    ///   x [1, H, W, C], scale/shift [C]
    public static func instanceNormalize(_ x: inout Tensor, scale: [Float], shift: [Float], epsilon: Float,
                                         activation: Activation) {
        let c = x.shape[3], n = x.count / max(c, 1)
        precondition(scale.count == c && shift.count == c, "instance norm: \(c) channels, \(scale.count) scales")
        var sum = [Double](repeating: 0, count: c), sq = sum
        x.data.withUnsafeBufferPointer { b in
            // Two passes (mean, then centred squares) as the ONNX graph spells it, in Double.
            for p in 0..<n { let row = b.baseAddress! + p * c; for k in 0..<c { sum[k] += Double(row[k]) } }
            let mean = sum.map { $0 / Double(n) }
            for p in 0..<n {
                let row = b.baseAddress! + p * c
                for k in 0..<c { let d = Double(row[k]) - mean[k]; sq[k] += d * d }
            }
            sum = mean
        }
        var a = [Float](repeating: 0, count: c), bias = a
        for k in 0..<c {
            let inv = 1 / (Double(sq[k]) / Double(n) + Double(epsilon)).squareRoot()
            a[k] = Float(Double(scale[k]) * inv)
            bias[k] = Float(Double(shift[k]) - Double(scale[k]) * inv * sum[k])
        }
        x.data.withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            for p in 0..<n {
                let row = base + p * c
                for k in 0..<c {
                    let v = a[k] * row[k] + bias[k]
                    switch activation {
                    case .none: row[k] = v
                    case .relu: row[k] = max(v, 0)
                    case .sigmoid: row[k] = 1 / (1 + expf(-v))
                    }
                }
            }
        }
    }

    /// x += y, element by element (a residual connection).
    public static func add(_ x: inout Tensor, _ y: Tensor) {
        precondition(x.shape == y.shape, "add: shapes \(x.shape) and \(y.shape)")
        x.data.withUnsafeMutableBufferPointer { a in y.data.withUnsafeBufferPointer { b in
            for i in 0..<a.count { a[i] += b[i] }
        }}
    }
}
