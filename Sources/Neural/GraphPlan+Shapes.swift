/// Kernel configuration of one planned op, fixed at planning time.
enum OpConfig {
    case conv(Conv2DKernel)
    case depthwise(DepthwiseConv2DKernel)
    case add(count: Int, bCount: Int, swapped: Bool, activation: FusedActivation)
    case activation(count: Int, activation: FusedActivation)
    case prelu(count: Int, alphaCount: Int)
    case maxPool(MaxPool2DKernel)
    case pad(PadKernel)
    case copy(count: Int)
    case concat(ConcatenationKernel)
    case resize(ResizeBilinearKernel)
    /// Folded at load time (DEQUANTIZE of a constant); nothing to run.
    case folded
}

extension GraphPlan {
    private func name(_ t: Int) -> String { "'\(model.tensors[t].name)' (#\(t))" }

    private func shape(_ t: Int, op n: Int) throws -> [Int] {
        guard t >= 0, let s = shapes[t] else {
            throw TFLiteError.invalidGraph("operator \(n) reads tensor #\(t), which is not defined before it")
        }
        return s
    }

    private func int32(_ t: Int, op n: Int) throws -> [Int32] {
        guard t >= 0, let v = int32Constants[t] else {
            throw TFLiteError.unsupported("operator \(n) needs tensor #\(t) to be an int32 constant")
        }
        return v
    }

    private func rank4(_ s: [Int], _ t: Int, op n: Int) throws -> [Int] {
        guard s.count == 4 else { throw TFLiteError.invalidGraph("operator \(n): tensor \(name(t)) has shape \(s), expected rank 4") }
        _ = try checkedElementCount(s, name(t))
        return s
    }

    /// Appends the filter and bias of a constant-weight convolution, repacked for `PackedGemm`,
    /// to the constants block; nil when the filter is computed at run time.
    private mutating func packConstantWeights(filter: Int, bias: Int, n: Int, k: Int) -> (weights: Int, bias: Int)? {
        guard case let .constant(wOff)? = storage[filter], wOff + n * k <= constants.count else { return nil }
        var biasSlice: ArraySlice<Float>?
        if bias >= 0 {
            guard case let .constant(bOff)? = storage[bias], bOff + n <= constants.count else { return nil }
            biasSlice = constants[bOff..<(bOff + n)]
        }
        let packedW = PackedGemm.pack(filter: constants[wOff..<(wOff + n * k)], n: n, k: k)
        let packedB = PackedGemm.paddedBias(biasSlice, n: n)
        let weights = constants.count
        constants.append(contentsOf: packedW)
        let b = constants.count
        constants.append(contentsOf: packedB)
        return (weights, b)
    }

    /// Infers every op's output shapes, checks them against the shapes declared in the file,
    /// and fixes each op's kernel configuration.
    mutating func inferShapes() throws {
        configs = []
        for (n, p) in ops.enumerated() {
            if p.removed {
                configs.append(.folded)
                continue
            }
            guard p.outputs.count == 1, let outT = p.outputs.first else {
                throw TFLiteError.unsupported("operator \(n) (\(p.kind)) has \(p.outputs.count) outputs")
            }
            guard p.inputs.count >= 1, p.inputs[0] >= 0 else {
                throw TFLiteError.invalidGraph("operator \(n) (\(p.kind)) has no data input")
            }
            let x = try shape(p.inputs[0], op: n)
            let act = p.fusedActivation ?? Self.baseActivation(p.op)
            var out: [Int]
            let config: OpConfig
            switch p.kind {
            case .conv2D, .depthwiseConv2D:
                guard p.inputs.count >= 2, case let .conv(o) = p.op.options else {
                    throw TFLiteError.invalidGraph("operator \(n) (\(p.kind)) lacks a filter or options")
                }
                let xs = try rank4(x, p.inputs[0], op: n)
                let w = try rank4(try shape(p.inputs[1], op: n), p.inputs[1], op: n)
                let depthwise = p.kind == .depthwiseConv2D
                let outC = depthwise ? w[3] : w[0]
                if depthwise {
                    guard w[0] == 1, w[3] == xs[3] else {
                        throw TFLiteError.unsupported("operator \(n): depthwise filter \(w) for input \(xs) (only multiplier 1)")
                    }
                } else {
                    guard w[3] == xs[3] else { throw TFLiteError.invalidGraph("operator \(n): filter \(w) for input \(xs)") }
                }
                if p.inputs.count >= 3, p.inputs[2] >= 0 {
                    let b = try shape(p.inputs[2], op: n)
                    guard try checkedElementCount(b, "bias") == outC else {
                        throw TFLiteError.invalidGraph("operator \(n): bias \(b) for \(outC) channels")
                    }
                }
                let (oh, pt) = try ConvGeometry.axis(input: xs[1], kernel: w[1], stride: o.strideH, dilation: o.dilationH, padding: o.padding)
                let (ow, pl) = try ConvGeometry.axis(input: xs[2], kernel: w[2], stride: o.strideW, dilation: o.dilationW, padding: o.padding)
                let g = ConvGeometry(batch: xs[0], inH: xs[1], inW: xs[2], inC: xs[3], outH: oh, outW: ow, outC: outC,
                                     kernelH: w[1], kernelW: w[2], strideH: o.strideH, strideW: o.strideW,
                                     dilationH: o.dilationH, dilationW: o.dilationW, padTop: pt, padLeft: pl)
                out = [xs[0], oh, ow, outC]
                if depthwise {
                    config = .depthwise(DepthwiseConv2DKernel(g: g, activation: act))
                } else {
                    var kernel = Conv2DKernel(geometry: g, activation: act)
                    kernel.packed = packConstantWeights(filter: p.inputs[1], bias: p.inputs.count >= 3 ? p.inputs[2] : -1,
                                                        n: outC, k: w[1] * w[2] * w[3])
                    if let alpha = p.fusedPreluAlpha {
                        guard kernel.packed != nil, case let .constant(off)? = storage[alpha],
                              try checkedElementCount(try shape(alpha, op: n), name(alpha)) == outC else {
                            throw TFLiteError.unsupported("operator \(n): PRELU alpha \(name(alpha)) cannot fuse into its conv")
                        }
                        // Padded like the bias: the GEMM epilogue loads alpha eight columns at a time.
                        kernel.preluAlpha = constants.count
                        constants.append(contentsOf: PackedGemm.paddedBias(constants[off..<(off + outC)], n: outC))
                    }
                    if let r = p.fusedResidual {
                        let rs = try shape(r, op: n)
                        guard kernel.packed != nil, rs.count == 4, rs[0] == xs[0], rs[1] == oh, rs[2] == ow,
                              rs[3] >= 1, rs[3] <= outC, p.inputs.count == 4, p.inputs[3] == r else {
                            throw TFLiteError.invalidGraph("operator \(n): residual \(name(r)) \(rs) for output \([xs[0], oh, ow, outC])")
                        }
                        kernel.residualChannels = rs[3]
                        kernel.residualActivation = p.residualActivation
                    }
                    config = .conv(kernel)
                }
            case .add:
                guard p.inputs.count == 2 else { throw TFLiteError.invalidGraph("operator \(n): ADD needs 2 inputs") }
                let y = try shape(p.inputs[1], op: n)
                let cx = try checkedElementCount(x, name(p.inputs[0])), cy = try checkedElementCount(y, name(p.inputs[1]))
                let swapped = cy > cx
                let big = swapped ? y : x, small = swapped ? cx : cy
                guard x == y || small == 1 || (small == big.last && big.count >= 1) else {
                    throw TFLiteError.unsupported("operator \(n): ADD of shapes \(x) and \(y)")
                }
                out = big
                config = .add(count: max(cx, cy), bCount: small, swapped: swapped, activation: act)
            case .relu, .relu6, .reluN1To1:
                out = x
                let a: FusedActivation = p.kind == .relu ? .relu : p.kind == .relu6 ? .relu6 : .reluN1To1
                config = .activation(count: try checkedElementCount(x, name(p.inputs[0])), activation: a)
            case .prelu:
                guard p.inputs.count == 2 else { throw TFLiteError.invalidGraph("operator \(n): PRELU needs 2 inputs") }
                let count = try checkedElementCount(x, name(p.inputs[0]))
                let ac = try checkedElementCount(try shape(p.inputs[1], op: n), name(p.inputs[1]))
                guard let last = x.last, ac == last || ac == count else {
                    throw TFLiteError.unsupported("operator \(n): PRELU alpha of \(ac) values for input \(x)")
                }
                out = x
                config = .prelu(count: count, alphaCount: ac)
            case .maxPool2D:
                guard case let .pool(o) = p.op.options else { throw TFLiteError.invalidGraph("operator \(n): MAX_POOL_2D without options") }
                let xs = try rank4(x, p.inputs[0], op: n)
                let (oh, pt) = try ConvGeometry.axis(input: xs[1], kernel: o.filterH, stride: o.strideH, dilation: 1, padding: o.padding)
                let (ow, pl) = try ConvGeometry.axis(input: xs[2], kernel: o.filterW, stride: o.strideW, dilation: 1, padding: o.padding)
                let g = ConvGeometry(batch: xs[0], inH: xs[1], inW: xs[2], inC: xs[3], outH: oh, outW: ow, outC: xs[3],
                                     kernelH: o.filterH, kernelW: o.filterW, strideH: o.strideH, strideW: o.strideW,
                                     dilationH: 1, dilationW: 1, padTop: pt, padLeft: pl)
                out = [xs[0], oh, ow, xs[3]]
                config = .maxPool(MaxPool2DKernel(g: g, activation: act))
            case .pad:
                guard p.inputs.count >= 2 else { throw TFLiteError.invalidGraph("operator \(n): PAD needs paddings") }
                let pads = try int32(p.inputs[1], op: n)
                guard x.count <= 4, pads.count == 2 * x.count, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
                    throw TFLiteError.unsupported("operator \(n): PAD of \(x) by \(pads)")
                }
                _ = try checkedElementCount(x, name(p.inputs[0]))
                let lead = 4 - x.count
                let inDims = Array(repeating: 1, count: lead) + x
                let before = Array(repeating: 0, count: lead) + stride(from: 0, to: pads.count, by: 2).map { Int(pads[$0]) }
                let after = Array(repeating: 0, count: lead) + stride(from: 1, to: pads.count, by: 2).map { Int(pads[$0]) }
                let outDims = (0..<4).map { inDims[$0] + before[$0] + after[$0] }
                out = Array(outDims[lead...])
                config = .pad(PadKernel(inDims: inDims, before: before, outDims: outDims))
            case .reshape:
                let count = try checkedElementCount(x, name(p.inputs[0]))
                var target: [Int]
                if p.inputs.count >= 2, p.inputs[1] >= 0 {
                    target = try int32(p.inputs[1], op: n).map(Int.init)
                } else if case let .reshape(s) = p.op.options, !s.isEmpty {
                    target = s
                } else {
                    target = model.tensors[outT].shape
                }
                let unknown = target.indices.filter { target[$0] == -1 }
                if unknown.count == 1 {
                    let known = target.filter { $0 != -1 }
                    let rest = try known.isEmpty ? 1 : checkedElementCount(known, "reshape target")
                    guard count % rest == 0 else { throw TFLiteError.invalidGraph("operator \(n): cannot reshape \(x) to \(target)") }
                    target[unknown[0]] = count / rest
                }
                guard try checkedElementCount(target, "reshape target") == count else {
                    throw TFLiteError.invalidGraph("operator \(n): cannot reshape \(x) to \(target)")
                }
                out = target
                config = .copy(count: count)
            case .concatenation:
                guard case let .concatenation(axisRaw, _) = p.op.options else {
                    throw TFLiteError.invalidGraph("operator \(n): CONCATENATION without options")
                }
                let rank = x.count
                let axis = axisRaw < 0 ? axisRaw + rank : axisRaw
                guard axis >= 0, axis < rank else { throw TFLiteError.invalidGraph("operator \(n): axis \(axisRaw) for rank \(rank)") }
                var blocks: [Int] = []
                out = x
                out[axis] = 0
                let inner = try checkedElementCount(Array(x[(axis + 1)...]), "concat inner")
                for t in p.inputs {
                    let s = try shape(t, op: n)
                    guard s.count == rank, (0..<rank).allSatisfy({ $0 == axis || s[$0] == x[$0] }) else {
                        throw TFLiteError.invalidGraph("operator \(n): cannot concatenate \(s) with \(x) on axis \(axis)")
                    }
                    _ = try checkedElementCount(s, name(t))
                    out[axis] += s[axis]
                    blocks.append(s[axis] * inner)
                }
                let outer = try checkedElementCount(Array(x[..<axis]), "concat outer")
                config = .concat(ConcatenationKernel(outer: outer, blocks: blocks, activation: act))
            case .resizeBilinear:
                guard p.inputs.count >= 2, case let .resizeBilinear(align, half) = p.op.options else {
                    throw TFLiteError.invalidGraph("operator \(n): RESIZE_BILINEAR needs a size and options")
                }
                let xs = try rank4(x, p.inputs[0], op: n)
                let size = try int32(p.inputs[1], op: n)
                guard size.count == 2, size[0] > 0, size[1] > 0, size[0] <= 1 << 14, size[1] <= 1 << 14 else {
                    throw TFLiteError.invalidGraph("operator \(n): resize size \(size)")
                }
                out = [xs[0], Int(size[0]), Int(size[1]), xs[3]]
                config = .resize(ResizeBilinearKernel(batch: xs[0], inH: xs[1], inW: xs[2], c: xs[3],
                                                      outH: out[1], outW: out[2], alignCorners: align, halfPixelCenters: half))
            case .dequantize:
                guard case let .constant(offset)? = storage[p.inputs[0]] else {
                    throw TFLiteError.unsupported("operator \(n): DEQUANTIZE of a non-constant tensor")
                }
                out = x
                guard storage[outT] == nil else { throw TFLiteError.invalidGraph("operator \(n) overwrites a constant") }
                storage[outT] = .constant(offset)
                config = .folded
            }
            _ = try checkedElementCount(out, name(outT))
            let declared = model.tensors[outT].shape
            guard declared.isEmpty || declared == out else {
                throw TFLiteError.invalidGraph("operator \(n) (\(p.kind)) produces \(out) but the file declares \(declared) for \(name(outT))")
            }
            guard model.tensors[outT].type == .float32 else {
                throw TFLiteError.unsupported("operator \(n) output \(name(outT)) is \(model.tensors[outT].type)")
            }
            guard shapes[outT] == nil || p.kind == .dequantize else {
                throw TFLiteError.invalidGraph("tensor \(name(outT)) is written twice")
            }
            if p.kind != .dequantize, storage[outT] != nil {
                throw TFLiteError.invalidGraph("operator \(n) writes constant \(name(outT))")
            }
            shapes[outT] = out
            configs.append(config)
        }
        for o in model.outputs where shapes[o] == nil {
            throw TFLiteError.invalidGraph("graph output \(name(o)) is never produced")
        }
    }
}
