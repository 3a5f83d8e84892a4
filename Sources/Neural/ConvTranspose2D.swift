import CBLAS
import Dispatch
import Foundation

/// A 2-D transposed convolution (PyTorch `ConvTranspose2d`, square kernel, no dilation or groups)
/// on NHWC tensors, with optional per-channel bias and a fused activation.
///
/// The forward pass is one GEMM over the whole batch,
/// `cols[N·H·W, K·K·Cout] = input[N·H·W, Cin] × weights[Cin, K·K·Cout]`, followed by a
/// col2im gather into the output (each output row sums the kernel taps that land on it),
/// parallel over output rows, with bias and activation fused into the gather.
/// BatchNorm that follows the convolution is folded into the weights and bias once, at load time.
public struct ConvTranspose2D: Sendable {
    /// Activation applied after bias.
    public enum Activation: Sendable {
        /// Identity.
        case none
        /// max(x, 0).
        case relu
        /// Hyperbolic tangent.
        case tanh
    }

    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// Kernel height and width.
    public let kernel: Int
    /// Stride in both directions.
    public let stride: Int
    /// Implicit zero padding removed from each border of the full output.
    public let padding: Int
    /// Weights laid out [Cin, K, K, Cout] row-major (the GEMM's right-hand matrix).
    public private(set) var weights: [Float]
    /// Per-output-channel bias.
    public private(set) var bias: [Float]

    /// Creates the layer from a PyTorch weight of shape (Cin, Cout, K, K).
    /// - Throws: `ConvTransposeError` if the weight is not 4-D with square kernel, or bias has the wrong length.
    public init(pytorchWeight w: Tensor, stride: Int, padding: Int, bias: [Float]? = nil) throws {
        guard w.shape.count == 4, w.shape[2] == w.shape[3], w.shape[2] > 0, w.shape[0] > 0, w.shape[1] > 0 else {
            throw ConvTransposeError.badWeightShape(w.shape)
        }
        guard stride > 0, padding >= 0, padding < w.shape[2] else { throw ConvTransposeError.badGeometry(stride: stride, padding: padding) }
        let cin = w.shape[0], cout = w.shape[1], k = w.shape[2]
        if let bias, bias.count != cout { throw ConvTransposeError.badParameterLength(expected: cout, got: bias.count) }
        inChannels = cin; outChannels = cout; kernel = k
        self.stride = stride; self.padding = padding
        self.bias = bias ?? [Float](repeating: 0, count: cout)
        // (Cin, Cout, K, K) -> (Cin, K, K, Cout)
        var out = [Float](repeating: 0, count: w.count)
        w.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for ci in 0..<cin { for co in 0..<cout { for ky in 0..<k { for kx in 0..<k {
                    dst[((ci * k + ky) * k + kx) * cout + co] = src[((ci * cout + co) * k + ky) * k + kx]
                } } } }
            }
        }
        weights = out
    }

    /// Folds an inference-mode BatchNorm (`y = (x - mean) / sqrt(var + eps) · gamma + beta`) into weights and bias.
    /// - Throws: `ConvTransposeError.badParameterLength` if a vector's length is not `outChannels`,
    ///   `ConvTransposeError.badBatchNorm` if a variance makes the scale non-finite.
    public mutating func foldBatchNorm(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], eps: Float = 1e-5) throws {
        for v in [gamma, beta, mean, variance] where v.count != outChannels {
            throw ConvTransposeError.badParameterLength(expected: outChannels, got: v.count)
        }
        var scale = [Float](repeating: 0, count: outChannels)
        for c in 0..<outChannels {
            let s = gamma[c] / (variance[c] + eps).squareRoot()
            guard s.isFinite else { throw ConvTransposeError.badBatchNorm(channel: c) }
            scale[c] = s
            bias[c] = (bias[c] - mean[c]) * s + beta[c]
        }
        let cout = outChannels
        weights.withUnsafeMutableBufferPointer { w in
            for r in 0..<(w.count / cout) { for c in 0..<cout { w[r * cout + c] *= scale[c] } }
        }
    }

    /// Output height and width for a given input size: `(H - 1)·stride - 2·padding + K`.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height - 1) * stride - 2 * padding + kernel, (width - 1) * stride - 2 * padding + kernel)
    }

    /// Size of the scratch buffer `forward` needs for a batch: N·H·W·K·K·Cout floats.
    public func scratchCount(batch: Int, height: Int, width: Int) -> Int {
        batch * height * width * kernel * kernel * outChannels
    }

    /// Runs the layer on raw NHWC buffers.
    ///
    /// input: [N, H, W, Cin]; output: [N, OH, OW, Cout]; scratch: at least `scratchCount` floats.
    /// Callers guarantee the buffer sizes (checked with preconditions); `callAsFunction` is the checked entry point.
    public func forward(input: UnsafePointer<Float>, batch: Int, height: Int, width: Int,
                        output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                        activation: Activation) {
        let k = kernel, s = stride, p = padding, cout = outChannels
        let n = k * k * cout
        let m = batch * height * width
        weights.withUnsafeBufferPointer { w in
            // cols[M, K·K·Cout] = input[M, Cin] × W[Cin, K·K·Cout]
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(inChannels),
                        1, input, Int32(inChannels), w.baseAddress, Int32(n), 0, scratch, Int32(n))
        }
        let (oh, ow) = outputSize(height: height, width: width)
        let rows = batch * oh
        let shared = RowJob(output: output, cols: UnsafePointer(scratch))
        bias.withUnsafeBufferPointer { bp in
            let bb = RowJob(output: output, cols: bp.baseAddress!)
            let chunks = min(rows, 64)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let output = shared.output, cols = shared.cols, b = bb.cols
                var r = chunk * rows / chunks
                let rEnd = (chunk + 1) * rows / chunks
                while r < rEnd {
                    let nb = r / oh, oy = r % oh
                    let orow = output + r * ow * cout
                    for x in 0..<ow { (orow + x * cout).update(from: b, count: cout) }
                    for ky in 0..<k {
                        let t = oy + p - ky
                        guard t >= 0, t % s == 0 else { continue }
                        let iy = t / s
                        guard iy < height else { continue }
                        let crow = cols + ((nb * height + iy) * width) * n + ky * k * cout
                        for ix in 0..<width {
                            let cpix = crow + ix * n
                            for kx in 0..<k {
                                let ox = ix * s + kx - p
                                guard ox >= 0, ox < ow else { continue }
                                let dst = orow + ox * cout
                                let src = cpix + kx * cout
                                for c in 0..<cout { dst[c] += src[c] }
                            }
                        }
                    }
                    switch activation {
                    case .none: break
                    case .relu: for i in 0..<(ow * cout) { orow[i] = max(orow[i], 0) }
                    case .tanh: for i in 0..<(ow * cout) { orow[i] = Foundation.tanh(orow[i]) }
                    }
                    r += 1
                }
            }
        }
    }

    /// Applies the layer to an NHWC tensor [N, H, W, Cin], returning [N, OH, OW, Cout].
    /// - Throws: `ConvTransposeError.badInputShape` if the input is not 4-D with `inChannels` channels.
    public func callAsFunction(_ x: Tensor, activation: Activation = .none) throws -> Tensor {
        guard x.shape.count == 4, x.shape[3] == inChannels, x.shape[1] > 0, x.shape[2] > 0 else {
            throw ConvTransposeError.badInputShape(x.shape, channels: inChannels)
        }
        let (nb, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let (oh, ow) = outputSize(height: h, width: w)
        var out = Tensor(shape: [nb, oh, ow, outChannels])
        guard nb > 0 else { return out }
        var scratch = [Float](repeating: 0, count: scratchCount(batch: nb, height: h, width: w))
        x.data.withUnsafeBufferPointer { xp in
            out.data.withUnsafeMutableBufferPointer { op in
                scratch.withUnsafeMutableBufferPointer { sp in
                    forward(input: xp.baseAddress!, batch: nb, height: h, width: w,
                            output: op.baseAddress!, scratch: sp.baseAddress!, activation: activation)
                }
            }
        }
        return out
    }
}

/// Errors raised when building or running a transposed convolution.
public enum ConvTransposeError: Error, Equatable, CustomStringConvertible {
    /// The PyTorch weight is not (Cin, Cout, K, K) with a square kernel.
    case badWeightShape([Int])
    /// Stride must be positive and padding smaller than the kernel.
    case badGeometry(stride: Int, padding: Int)
    /// A bias or BatchNorm vector has the wrong length.
    case badParameterLength(expected: Int, got: Int)
    /// A BatchNorm channel's scale is not finite (e.g. variance + eps ≤ 0).
    case badBatchNorm(channel: Int)
    /// The input is not NHWC with the expected channel count.
    case badInputShape([Int], channels: Int)

    public var description: String {
        switch self {
        case let .badWeightShape(s): return "ConvTranspose2D: weight shape \(s) is not (Cin, Cout, K, K)"
        case let .badGeometry(s, p): return "ConvTranspose2D: unsupported stride \(s) / padding \(p)"
        case let .badParameterLength(e, g): return "ConvTranspose2D: parameter vector has \(g) values, expected \(e)"
        case let .badBatchNorm(c): return "ConvTranspose2D: BatchNorm channel \(c) has a non-finite scale"
        case let .badInputShape(s, c): return "ConvTranspose2D: input shape \(s) is not NHWC with \(c) channels"
        }
    }
}

/// Raw pointers shared by the row workers of one `forward` call; each worker writes disjoint output rows,
/// and the buffers outlive `concurrentPerform`.
private struct RowJob: @unchecked Sendable {
    let output: UnsafeMutablePointer<Float>
    let cols: UnsafePointer<Float>
}
