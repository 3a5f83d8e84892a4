import Foundation

/// An ncnn model (`.param` + `.bin`) resolved into Kinema ops, with weights in Kinema's layouts and the
/// cheap fusions done: a PReLU or leaky-ReLU into its convolution, and a residual sum
/// `c0·conv(x) + r` into the convolution (c0 folded into the weights). Size-independent; `NCNNNet`
/// plans memory and runs it for a given input size.
///
/// Supported layers (what the Real-ESRGAN models use): Input, Split, Convolution (any kernel, stride,
/// dilation, explicit padding; activations none, ReLU, leaky ReLU, clip 0…6), PReLU, PixelShuffle
/// (both modes), Interp (nearest, integer scale), BinaryOp add, Eltwise sum (with coefficients), Concat
/// along channels. Anything else throws `NCNNError.unsupported`.
struct NCNNModel: Sendable {
    /// A convolution with constant weights, NHWC.
    ///   input [1, H, W, inC], filter [outC, KH, KW, inC], bias [outC], output [1, OH, OW, outC]
    struct Conv: Sendable {
        var input: Int, output: Int
        var inC: Int, outC: Int, kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
        var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
        var filter: [Float], bias: [Float]
        var activation: FusedActivation
        /// Per-channel negative slope applied last (PReLU, or a leaky ReLU's constant slope).
        var alpha: [Float]?
        /// A blob added after the activation (a fused residual sum), same shape as the output.
        var residual: Int?
    }

    enum Op: Sendable {
        case input(Int)
        case alias(from: Int, to: [Int])
        case conv(Conv)
        /// out = x ≥ 0 ? x : slope[c]·x over [1, H, W, C].
        case prelu(input: Int, output: Int, slopes: [Float])
        /// [1, H, W, C·r²] → [1, H·r, W·r, C]; mode 0 = PyTorch pixel_shuffle (CRD), 1 = depth-to-space (DCR).
        case pixelShuffle(input: Int, output: Int, factor: Int, mode: Int)
        /// [1, H, W, C] → [1, H·sy, W·sx, C], nearest.
        case nearest(input: Int, output: Int, scaleY: Int, scaleX: Int)
        /// out = Σ coeffs[i]·inputs[i], all the same shape.
        case sum(inputs: [Int], output: Int, coeffs: [Float])
        /// Channel concatenation of [1, H, W, Ci].
        case concat(inputs: [Int], output: Int)
    }

    var ops: [Op]
    var blobCount: Int
    var inputBlob: Int
    var outputBlob: Int

    /// Reads and resolves a model.
    /// - Throws: `NCNNError` for malformed files, unsupported layers, or weights left over or missing.
    init(param: NCNNParam, weights: Data) throws {
        var reader = NCNNWeightReader(weights)
        var ops: [Op] = []
        var input: Int?
        for layer in param.layers {
            func one(_ list: [Int], _ what: String) throws -> Int {
                guard list.count == 1 else { throw NCNNError.malformed("layer \(layer.name) needs one \(what), has \(list.count)") }
                return list[0]
            }
            switch layer.type {
            case "Input":
                guard input == nil else { throw NCNNError.unsupported("more than one Input") }
                let o = try one(layer.outputs, "output")
                input = o
                ops.append(.input(o))
            case "Split":
                ops.append(.alias(from: try one(layer.inputs, "input"), to: layer.outputs))
            case "Convolution":
                ops.append(.conv(try Self.convolution(layer, reader: &reader, input: one(layer.inputs, "input"),
                                                      output: one(layer.outputs, "output"))))
            case "PReLU":
                let n = try layer.int(0, 0)
                guard (1...65536).contains(n) else { throw NCNNError.malformed("layer \(layer.name): \(n) slopes") }
                let slopes = try reader.rawFloats(count: n, "\(layer.name) slopes")
                ops.append(.prelu(input: try one(layer.inputs, "input"), output: try one(layer.outputs, "output"), slopes: slopes))
            case "PixelShuffle":
                let r = try layer.int(0, 1), mode = try layer.int(1, 0)
                guard (1...16).contains(r), mode == 0 || mode == 1 else { throw NCNNError.unsupported("PixelShuffle factor \(r) mode \(mode)") }
                ops.append(.pixelShuffle(input: try one(layer.inputs, "input"), output: try one(layer.outputs, "output"), factor: r, mode: mode))
            case "Interp":
                let type = try layer.int(0, 0)
                let sy = layer.float(1, 1), sx = layer.float(2, 1)
                guard type == 1, try layer.int(3, 0) == 0, try layer.int(4, 0) == 0,
                      sy == sy.rounded(), sx == sx.rounded(), (1...16).contains(sy), (1...16).contains(sx) else {
                    throw NCNNError.unsupported("Interp \(layer.name): only nearest with integer scales")
                }
                ops.append(.nearest(input: try one(layer.inputs, "input"), output: try one(layer.outputs, "output"),
                                    scaleY: Int(sy), scaleX: Int(sx)))
            case "BinaryOp":
                guard try layer.int(0, 0) == 0, try layer.int(1, 0) == 0, layer.inputs.count == 2 else {
                    throw NCNNError.unsupported("BinaryOp \(layer.name): only the add of two blobs")
                }
                ops.append(.sum(inputs: layer.inputs, output: try one(layer.outputs, "output"), coeffs: [1, 1]))
            case "Eltwise":
                let coeffs = layer.arrays[1] ?? []
                guard try layer.int(0, 1) == 1, layer.inputs.count >= 2, coeffs.isEmpty || coeffs.count == layer.inputs.count else {
                    throw NCNNError.unsupported("Eltwise \(layer.name): only sums")
                }
                ops.append(.sum(inputs: layer.inputs, output: try one(layer.outputs, "output"),
                                coeffs: coeffs.isEmpty ? Array(repeating: 1, count: layer.inputs.count) : coeffs))
            case "Concat":
                guard try layer.int(0, 0) == 0, !layer.inputs.isEmpty else { throw NCNNError.unsupported("Concat \(layer.name): only along channels") }
                ops.append(.concat(inputs: layer.inputs, output: try one(layer.outputs, "output")))
            default:
                throw NCNNError.unsupported("layer type \(layer.type) (\(layer.name))")
            }
        }
        guard reader.remaining == 0 else { throw NCNNError.malformed("\(reader.remaining) bytes of weights left over") }
        guard let input else { throw NCNNError.malformed("no Input layer") }
        // The output: the one blob nobody reads (ncnn names it in the app; Real-ESRGAN calls it "output").
        var read = Set<Int>()
        for op in ops { for b in Self.reads(op) { read.insert(b) } }
        let produced = ops.flatMap(Self.writes)
        let unread = produced.filter { !read.contains($0) }
        guard unread.count == 1 else { throw NCNNError.unsupported("\(unread.count) output blobs (need exactly one)") }
        self.ops = ops
        blobCount = param.blobNames.count
        inputBlob = input
        outputBlob = unread[0]
        fuse()
    }

    static func convolution(_ layer: NCNNLayer, reader: inout NCNNWeightReader, input: Int, output: Int) throws -> Conv {
        let outC = try layer.int(0, 0)
        let kw = try layer.int(1, 0), kh = try layer.int(11, kw)
        let dw = try layer.int(2, 1), dh = try layer.int(12, dw)
        let sw = try layer.int(3, 1), sh = try layer.int(13, sw)
        let pl = try layer.int(4, 0), pt = try layer.int(14, pl), pr = try layer.int(15, pl), pb = try layer.int(16, pt)
        let hasBias = try layer.int(5, 0) != 0
        let size = try layer.int(6, 0)
        guard (1...8192).contains(outC), (1...31).contains(kw), (1...31).contains(kh), (1...64).contains(dw), (1...64).contains(dh),
              (1...64).contains(sw), (1...64).contains(sh), [pl, pt, pr, pb].allSatisfy({ (0...64).contains($0) }) else {
            throw NCNNError.unsupported("Convolution \(layer.name): geometry out of range (negative padding means SAME, not supported)")
        }
        guard size > 0, size % (outC * kw * kh) == 0 else {
            throw NCNNError.malformed("Convolution \(layer.name): weight size \(size) is not outC·kh·kw·inC")
        }
        let inC = size / (outC * kw * kh)
        let w = try reader.taggedBlock(count: size, "\(layer.name) weights")
        let bias = hasBias ? try reader.rawFloats(count: outC, "\(layer.name) bias") : [Float](repeating: 0, count: outC)
        // ncnn [outC][inC][kh][kw] → Kinema [outC][kh][kw][inC].
        var filter = [Float](repeating: 0, count: size)
        for o in 0..<outC { for c in 0..<inC { for y in 0..<kh { for x in 0..<kw {
            filter[((o * kh + y) * kw + x) * inC + c] = w[((o * inC + c) * kh + y) * kw + x]
        } } } }
        var conv = Conv(input: input, output: output, inC: inC, outC: outC, kernelH: kh, kernelW: kw, strideH: sh, strideW: sw,
                        dilationH: dh, dilationW: dw, padTop: pt, padLeft: pl, padBottom: pb, padRight: pr,
                        filter: filter, bias: bias, activation: .none, alpha: nil, residual: nil)
        let params = layer.arrays[10] ?? []
        switch try layer.int(9, 0) {
        case 0: break
        case 1: conv.activation = .relu
        case 2: conv.alpha = Array(repeating: params.first ?? 0, count: outC)
        case 3 where params == [0, 6]: conv.activation = .relu6
        case 3 where params == [-1, 1]: conv.activation = .reluN1To1
        case let t: throw NCNNError.unsupported("Convolution \(layer.name): activation type \(t) \(params)")
        }
        return conv
    }

    static func reads(_ op: Op) -> [Int] {
        switch op {
        case .input: return []
        case let .alias(from, _): return [from]
        case let .conv(c): return [c.input] + (c.residual.map { [$0] } ?? [])
        case let .prelu(i, _, _), let .pixelShuffle(i, _, _, _), let .nearest(i, _, _, _): return [i]
        case let .sum(ins, _, _), let .concat(ins, _): return ins
        }
    }

    static func writes(_ op: Op) -> [Int] {
        switch op {
        case let .input(o): return [o]
        case let .alias(_, to): return to
        case let .conv(c): return [c.output]
        case let .prelu(_, o, _), let .pixelShuffle(_, o, _, _), let .nearest(_, o, _, _), let .sum(_, o, _), let .concat(_, o): return [o]
        }
    }
}
