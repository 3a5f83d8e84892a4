import Foundation
import Imaging

/// Threads that run `ConstantConv2D` and the feature-map kernels: the calling thread plus
/// `threads - 1` persistent workers (a `WorkerTeam`), and buffers reused from call to call (a fresh
/// 100 MB activation page-faults for ~30 ms). One caller at a time.
///
/// Invariant behind `@unchecked Sendable`: `buffers` and `spare` are touched only by the one caller
/// driving the team, outside parallel sections (the kernels receive plain pointers).
public final class ComputeTeam: @unchecked Sendable {
    let team: WorkerTeam
    private var buffers: [Int: (pointer: UnsafeMutablePointer<Float>, capacity: Int)] = [:]
    /// Threads in the team, the caller included.
    public var threads: Int { team.threads }
    /// Starts the workers.
    public init(threads: Int) { team = WorkerTeam(threads: threads) }

    deinit { for (_, b) in buffers { b.pointer.deallocate() } }

    /// Buffer number `slot`, at least `floats` long plus 64 floats of slack that kernels may read (never
    /// use) past the end. Valid until the next request for the same slot; the contents are left as they
    /// were. Slots ≥ 1000 are reserved for the kernels' own scratch.
    public func buffer(_ slot: Int, floats: Int) -> UnsafeMutablePointer<Float> {
        if let b = buffers[slot], b.capacity >= floats { return b.pointer }
        buffers[slot]?.pointer.deallocate()
        let p = UnsafeMutablePointer<Float>.allocate(capacity: floats + 64)
        p.initialize(repeating: 0, count: floats + 64)
        buffers[slot] = (p, floats)
        return p
    }

    /// Arrays given back by `ONNXGraph` when their tensors die, by element count, for the next op of
    /// that size (a fresh multi-megabyte array page-faults on every first write).
    private var spare: [Int: [[Float]]] = [:]

    /// An array of `count` floats with unspecified contents: a recycled one or a new one.
    func array(_ count: Int) -> [Float] {
        if let a = spare[count]?.popLast() { return a }
        return [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
    }

    /// Keeps `a` for `array(_:)` (at most four per size). A copy still shared elsewhere is safe, just
    /// not faster: writing to it copies first.
    func recycle(_ a: [Float]) {
        guard a.count >= 4096, spare[a.count, default: []].count < 4 else { return }
        spare[a.count, default: []].append(a)
    }

    /// Per-thread scratch of `floats` each (slot 1000).
    func scratch(floats: Int) -> [UnsafeMutablePointer<Float>] {
        let per = max(floats, 1), base = buffer(1000, floats: per * threads)
        return (0..<threads).map { base + $0 * per }
    }
}

/// How a feature map lies in memory: NHWC (channels fastest) or planar (one H×W plane per channel).
public enum FeatureLayout: Sendable { case nhwc, planar }

/// A feature map in caller-owned memory: `height × width` pixels of `channels`, surrounded by `pad`
/// pixels on each side (the stored extent is (height + 2·pad) × (width + 2·pad)).
public struct FeatureView {
    /// First float of the stored extent (padding included).
    public var base: UnsafeMutablePointer<Float>
    /// Interior size and channels.
    public var height: Int, width: Int, channels: Int
    /// Padding on every side.
    public var pad: Int
    /// Memory order.
    public var layout: FeatureLayout
    /// Makes a view.
    public init(base: UnsafeMutablePointer<Float>, height: Int, width: Int, channels: Int, pad: Int = 0, layout: FeatureLayout) {
        self.base = base; self.height = height; self.width = width; self.channels = channels; self.pad = pad; self.layout = layout
    }
    /// Stored rows and columns.
    public var storedHeight: Int { height + 2 * pad }
    /// Stored columns.
    public var storedWidth: Int { width + 2 * pad }
    /// Floats of the stored extent.
    public var floats: Int { storedHeight * storedWidth * channels }
}

/// A convolution with constant weights on feature maps, VALID over the stored extent (pad the input
/// first, e.g. with `reflectPadded` or `FeatureMap.instanceNormalize(into:)`).
///   input  [1, H, W, Cin] (NHWC) or [Cin, H, W] (planar)
///   weight [Cout, Cin, KH, KW] (ONNX / PyTorch layout, repacked once here)
///   bias   [Cout] or none
///   output [1, (H − KH)/stride + 1, (W − KW)/stride + 1, Cout], in the input's layout
/// NHWC runs on Neural's packed GEMM (`Conv2DKernel`: implicit GEMM on interior pixels), or for 3×3
/// stride-1 layers with channel counts in multiples of 8 on `WinogradConv` F(4×4, 3×3). Planar input
/// (stride 1: narrow layers, and NCHW graphs) runs `PlanarConv`, vectorised along the pixels.
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
    /// Winograd-transformed filter (`WinogradConv.transformFilter`), when that path applies.
    let winogradU: [Float]?
    /// Weights for the planar path (`PlanarConv`), for stride 1.
    let planar: PlanarConv?

    /// Repacks OIHW weights. `winograd: false` keeps 3×3 layers on the direct GEMM (bit-for-bit
    /// summation order as before, for graphs that re-quantise every activation).
    /// - Throws: `ONNXError.missing` when the counts do not match the geometry.
    public init(weightsOIHW w: [Float], outChannels: Int, inChannels: Int, kernel: Int, stride: Int, bias: [Float]? = nil,
                winograd: Bool = true) throws {
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
        winogradU = winograd && WinogradConv.applies(kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride,
                                                     dilationH: 1, dilationW: 1, inC: inChannels, outC: outChannels)
            ? WinogradConv.transformFilter(ohwi, outC: outChannels, inC: inChannels) : nil
        planar = stride == 1
            ? PlanarConv(weightsOIHW: w, outChannels: outChannels, inChannels: inChannels, kernel: kernel, bias: bias) : nil
    }

    /// Output size for a stored input extent of h × w.
    public func outputSize(height h: Int, width w: Int) -> (height: Int, width: Int) {
        ((h - kernel) / stride + 1, (w - kernel) / stride + 1)
    }

    /// Convolves `x` (NHWC, VALID).
    /// - Throws: `ONNXError.missing` when `x` is not [1, H, W, inChannels] with H, W ≥ kernel.
    public func callAsFunction(_ x: Tensor, team: ComputeTeam) throws -> Tensor {
        guard x.shape.count == 4, x.shape[0] == 1, x.shape[3] == inChannels, x.shape[1] >= kernel, x.shape[2] >= kernel else {
            throw ONNXError.missing("a [1, H≥\(kernel), W≥\(kernel), \(inChannels)] input for a conv, got \(x.shape)")
        }
        let (oh, ow) = outputSize(height: x.shape[1], width: x.shape[2])
        var out = Tensor(shape: [1, oh, ow, outChannels])
        try x.data.withUnsafeBufferPointer { src in
            try out.data.withUnsafeMutableBufferPointer { dst in
                // `run` only reads its input view.
                try run(FeatureView(base: UnsafeMutablePointer(mutating: src.baseAddress!), height: x.shape[1], width: x.shape[2],
                                    channels: inChannels, layout: .nhwc),
                        into: FeatureView(base: dst.baseAddress!, height: oh, width: ow, channels: outChannels, layout: .nhwc), team: team)
            }
        }
        return out
    }

    /// Convolves the whole stored extent of `x` (VALID) into `y` (pad 0, same layout as `x`, the size
    /// `outputSize` gives).
    /// - Throws: `ONNXError.missing` on mismatched views, or a planar input this conv cannot take.
    public func run(_ x: FeatureView, into y: FeatureView, team: ComputeTeam) throws {
        let h = x.storedHeight, w = x.storedWidth
        let (oh, ow) = outputSize(height: h, width: w)
        guard x.channels == inChannels, y.channels == outChannels, h >= kernel, w >= kernel, y.pad == 0,
              y.height == oh, y.width == ow, y.layout == x.layout else {
            throw ONNXError.missing("conv views \(x.storedHeight)×\(x.storedWidth)×\(x.channels) → \(y.height)×\(y.width)×\(y.channels)")
        }
        if x.layout == .planar {
            guard let planar else { throw ONNXError.missing("a planar input only for stride-1 convs") }
            planar.run(input: x.base, height: h, width: w, output: y.base, team: team.team)
            return
        }
        if let winogradU {
            let wc = WinogradConv(inH: h, inW: w, inC: inChannels, outH: oh, outW: ow, outC: outChannels, padTop: 0, padLeft: 0,
                                  activation: .none, threads: team.threads)
            let zeros = [Float](repeating: 0, count: packedBias.count)
            let scratch = team.scratch(floats: wc.scratchFloats)
            winogradU.withUnsafeBufferPointer { u in packedBias.withUnsafeBufferPointer { b in zeros.withUnsafeBufferPointer { z in
                wc.run(input: x.base, packedU: u.baseAddress!, bias: b.baseAddress!, zeroBias: z.baseAddress!, alpha: nil,
                       residual: nil, output: y.base, scratch: scratch, team: team.team)
            }}}
            return
        }
        let g = ConvGeometry(batch: 1, inH: h, inW: w, inC: inChannels, outH: oh, outW: ow, outC: outChannels,
                             kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride,
                             dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0)
        let conv = Conv2DKernel(geometry: g, activation: .none)
        let scratch = team.scratch(floats: conv.scratchFloats)
        packedWeights.withUnsafeBufferPointer { pw in packedBias.withUnsafeBufferPointer { pb in
            conv.run(input: x.base, filter: pw.baseAddress!, bias: nil, packedWeights: pw.baseAddress!, packedBias: pb.baseAddress!,
                     output: y.base, scratch: scratch, team: team.team)
        }}
    }
}

/// Feature-map kernels of the style networks: reflect padding of the input picture here, the fused
/// instance norm in `FeatureMapNorm.swift`.
public enum FeatureMap {
    /// Reflect padding of an NHWC tensor [1, H, W, C] into `y` (NHWC, H × W × C, pad < H, W).
    /// - Throws: `ONNXError.missing` when the shapes do not match.
    public static func reflectPad(_ x: Tensor, into y: FeatureView) throws {
        guard x.shape == [1, y.height, y.width, y.channels], y.layout == .nhwc, y.pad < y.height, y.pad < y.width else {
            throw ONNXError.missing("a [1, \(y.height), \(y.width), \(y.channels)] input to pad by \(y.pad), got \(x.shape)")
        }
        let h = y.height, w = y.width, c = y.channels, p = y.pad, ow = y.storedWidth
        x.data.withUnsafeBufferPointer { s in
            let src = s.baseAddress!, dst = y.base
            for oy in 0..<(h + 2 * p) {
                var iy = oy - p
                if iy < 0 { iy = -iy } else if iy >= h { iy = 2 * (h - 1) - iy }
                let srow = src + iy * w * c, drow = dst + oy * ow * c
                (drow + p * c).update(from: srow, count: w * c)
                for i in 0..<p {
                    (drow + (p - 1 - i) * c).update(from: srow + (i + 1) * c, count: c)
                    (drow + (p + w + i) * c).update(from: srow + (w - 2 - i) * c, count: c)
                }
            }
        }
    }

    /// What follows the affine step of `instanceNormalize`.
    public enum Activation: Sendable { case none, relu, sigmoid }
}
