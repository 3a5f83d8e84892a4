import Foundation
/// A small interpreter for ONNX graphs of the ops the Magenta arbitrary-style networks use (exported
/// from int8 TFLite with tf2onnx): Conv (group 1 or depthwise), QuantizeLinear, DequantizeLinear,
/// Add, Sub, Mul, Div, Relu, Clip, Sqrt, Reciprocal, Sigmoid, GlobalAveragePool, Reshape,
/// Transpose, Pad (reflect, constant), Resize (nearest, asymmetric, floor, integer scales) and
/// Identity. Tensors are row-major float arrays (`Tensor`, NCHW where ONNX says so); quantised
/// values are integers held in floats.
///
/// At load time every node whose inputs are all constants is evaluated once (so the int8 weights
/// are dequantised once), convolutions with constant weights are repacked for Neural's GEMM, and
/// any op outside the list above throws `ONNXError.unsupported`. Running checks every shape and
/// throws `ONNXError.missing` on a mismatch; nothing traps on a malformed file.
public final class ONNXGraph: @unchecked Sendable {
    // Invariant behind @unchecked: every stored property is immutable after init; `run` only reads
    // them (the ComputeTeam it is given serialises its own use).
    struct Step {
        let node: ONNXNode
        let conv: ConvPlan?
        /// A DequantizeLinear that is the only reader of this QuantizeLinear's output: both run as one
        /// pass, and the int8 tensor between them is never stored.
        var dequantize: ONNXNode? = nil
        /// Consecutive elementwise steps run as one pass over cache-sized blocks (`ONNXGraph+Chains`);
        /// `node` is then the first one's.
        var chain: [Step]? = nil
        /// The tensors the step reads (a chain: those its members read from outside it).
        var inputs: [String] {
            guard let chain else { return node.inputs }
            let inside = Set(chain.flatMap(\.outputs))
            return chain.flatMap { $0.node.inputs.filter { !inside.contains($0) } }
        }
        /// The tensors the step makes.
        var outputs: [String] { chain?.last?.outputs ?? dequantize?.outputs ?? node.outputs }
    }

    /// A convolution with constant weights, repacked once.
    struct ConvPlan {
        let dense: ConstantConv2D?
        let depthwise: (weights: [Float], channels: Int)?
        let bias: [Float]?
        let kernel: Int, stride: Int
        let pads: [Int]  // top, left, bottom, right
        /// A stride-2 dense conv rewritten as a stride-1 conv over the input's four pixel phases
        /// (`ONNXOps.phaseWeights`), for the planar path.
        var phased: ConstantConv2D? = nil
    }

    let steps: [Step]
    let constants: [String: Tensor]
    /// Names of the graph inputs the caller must provide.
    public let inputNames: [String]
    /// Names of the graph outputs.
    public let outputNames: [String]

    static let supported: Set<String> = ["Conv", "QuantizeLinear", "DequantizeLinear", "Add", "Sub", "Mul", "Div", "Relu",
                                          "Clip", "Sqrt", "Reciprocal", "Sigmoid", "GlobalAveragePool", "Reshape",
                                          "Transpose", "Pad", "Resize", "Identity", "Constant"]

    /// Plans the graph of `model`.
    /// - Throws: `ONNXError.unsupported` for an op outside the list, `.missing` for dangling inputs
    ///   or bad constant shapes.
    public init(model: ONNXModel) throws {
        var consts: [String: Tensor] = [:]
        var dtypes: [String: ONNXTensor.DataType] = [:]
        for (name, t) in model.initializers {
            consts[name] = try Tensor(shape: t.dims, data: t.floats)
            dtypes[name] = t.dataType
        }
        var known = Set(model.inputs).union(consts.keys)
        var steps: [Step] = []
        for node in model.nodes {
            guard Self.supported.contains(node.opType) else { throw ONNXError.unsupported("op \(node.opType)") }
            for i in node.inputs where !i.isEmpty && !known.contains(i) {
                throw ONNXError.missing("tensor '\(i)' read by \(node.opType) '\(node.name)' before it is made")
            }
            known.formUnion(node.outputs)
            if node.opType == "Constant" {
                guard case .tensor(let t)? = node.attributes["value"], let out = node.outputs.first else {
                    throw ONNXError.unsupported("Constant '\(node.name)' without a tensor value")
                }
                consts[out] = try Tensor(shape: t.dims, data: t.floats)
                dtypes[out] = t.dataType
                continue
            }
            // QuantizeLinear's output type is its zero point's (int8 unless given as uint8).
            if node.opType == "QuantizeLinear", let out = node.outputs.first {
                dtypes[out] = node.inputs.count > 2 ? (dtypes[node.inputs[2]] ?? .int8) : .uint8
            }
            if node.inputs.allSatisfy({ $0.isEmpty || consts[$0] != nil }) {
                let args = node.inputs.map { $0.isEmpty ? nil : consts[$0] }
                let outs = try ONNXOps.evaluate(node, args, conv: nil, saturation: Self.saturation(node, dtypes), team: nil)
                for (name, t) in zip(node.outputs, outs) { consts[name] = t }
                continue
            }
            var plan: ConvPlan?
            if node.opType == "Conv" {
                guard node.inputs.count >= 2, let w = consts[node.inputs[1]] else {
                    throw ONNXError.unsupported("Conv '\(node.name)' with run-time weights")
                }
                plan = try Self.planConv(node, weights: w, bias: node.inputs.count > 2 ? consts[node.inputs[2]] : nil)
            }
            steps.append(Step(node: node, conv: plan))
        }
        let saturations = Dictionary(uniqueKeysWithValues: steps.compactMap { s in
            s.node.opType == "QuantizeLinear" ? (s.node.outputs[0], Self.saturation(s.node, dtypes)!) : nil
        })
        let paired = Self.fuseQuantizePairs(steps, constants: consts, outputs: Set(model.outputs))
        self.steps = Self.chainElementwise(paired, constants: consts, outputs: Set(model.outputs))
        self.constants = consts
        self.inputNames = model.inputs
        self.outputNames = model.outputs
        self.saturations = saturations
    }

    let saturations: [String: ClosedRange<Float>]

    /// Merges each QuantizeLinear into the DequantizeLinear that alone reads it (constant scale and
    /// zero point, not a graph output).
    static func fuseQuantizePairs(_ steps: [Step], constants: [String: Tensor], outputs: Set<String>) -> [Step] {
        var readers: [String: [Int]] = [:]
        for (i, s) in steps.enumerated() { for name in s.node.inputs where constants[name] == nil { readers[name, default: []].append(i) } }
        var result = steps, removed = Set<Int>()
        for (i, s) in steps.enumerated() where s.node.opType == "QuantizeLinear" {
            guard let out = s.node.outputs.first, !outputs.contains(out), let r = readers[out], r.count == 1 else { continue }
            let dq = steps[r[0]].node
            guard dq.opType == "DequantizeLinear", dq.inputs.first == out, dq.outputs.count == 1,
                  dq.inputs.dropFirst().allSatisfy({ $0.isEmpty || constants[$0] != nil }) else { continue }
            result[i].dequantize = dq
            removed.insert(r[0])
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    /// A fused QuantizeLinear → DequantizeLinear: one pass when both take single scales.
    func quantizeDequantize(_ step: Step, _ dq: ONNXNode, _ args: [Tensor?], team: ComputeTeam) throws -> [Tensor] {
        let saturation = saturations[step.node.outputs[0]]
        let dqArgs = [nil] + dq.inputs.dropFirst().map { $0.isEmpty ? nil : constants[$0] }
        if let x = args.first ?? nil, let q = ONNXOps.scalarQuant(args), let d = ONNXOps.scalarQuant(dqArgs) {
            return [ONNXOps.fakeQuantize(x, quantize: q, range: saturation ?? -128...127, dequantize: d, team: team)]
        }
        let quantised = try ONNXOps.evaluate(step.node, args, conv: nil, saturation: saturation, team: team)
        return try ONNXOps.evaluate(dq, [quantised[0]] + dqArgs.dropFirst(), conv: nil, saturation: nil, team: team)
    }

    static func saturation(_ node: ONNXNode, _ dtypes: [String: ONNXTensor.DataType]) -> ClosedRange<Float>? {
        guard node.opType == "QuantizeLinear" else { return nil }
        let t = node.inputs.count > 2 ? (dtypes[node.inputs[2]] ?? .int8) : .uint8
        return t == .uint8 ? 0...255 : -128...127
    }

    static func planConv(_ node: ONNXNode, weights w: Tensor, bias: Tensor?) throws -> ConvPlan {
        guard w.shape.count == 4, w.shape[2] == w.shape[3] else { throw ONNXError.missing("Conv '\(node.name)' weights [O, I, k, k]") }
        let k = w.shape[2], group = node.int("group", default: 1)
        let strides = node.ints("strides", default: [1, 1]), dil = node.ints("dilations", default: [1, 1])
        var pads = node.ints("pads", default: [0, 0, 0, 0])
        guard strides.count == 2, strides[0] == strides[1], dil == [1, 1], pads.count == 4, pads.allSatisfy({ (0...64).contains($0) }),
              node.string("auto_pad", default: "NOTSET") == "NOTSET" else {
            throw ONNXError.unsupported("Conv '\(node.name)' geometry strides \(strides) dilations \(dil) pads \(pads)")
        }
        pads = [pads[0], pads[1], pads[2], pads[3]]  // ONNX: top, left, bottom, right
        let o = w.shape[0], i = w.shape[1]
        if let bias, bias.count != o { throw ONNXError.missing("Conv '\(node.name)' bias of \(o) values") }
        if group == 1 {
            // No Winograd: these graphs re-quantise every activation, and its different rounding would
            // move more values across int8 steps than summation order alone does.
            let dense = try ConstantConv2D(weightsOIHW: w.data, outChannels: o, inChannels: i, kernel: k, stride: strides[0],
                                           bias: bias?.data, winograd: false)
            var plan = ConvPlan(dense: dense, depthwise: nil, bias: nil, kernel: k, stride: strides[0], pads: pads)
            if strides[0] == 2 {
                plan.phased = try ConstantConv2D(weightsOIHW: ONNXOps.phaseWeights(w.data, out: o, in: i, kernel: k), outChannels: o,
                                                 inChannels: 4 * i, kernel: (k + 1) / 2, stride: 1, bias: bias?.data, winograd: false)
            }
            return plan
        }
        guard group == o, i == 1 else { throw ONNXError.unsupported("grouped Conv '\(node.name)' (group \(group))") }
        return ConvPlan(dense: nil, depthwise: (w.data, o), bias: bias?.data, kernel: k, stride: strides[0], pads: pads)
    }

    /// Runs the graph; `keeping` names intermediate tensors to return as well (for parity checks);
    /// `profile` receives each step's op type and wall seconds (for `kinema-bench restyle --networks --ops`).
    /// - Throws: `ONNXError.missing` for absent inputs or shapes the ops cannot take.
    public func run(_ inputs: [String: Tensor], team: ComputeTeam, keeping: Set<String> = [],
                    profile: ((String, Double) -> Void)? = nil) throws -> [String: Tensor] {
        var values = constants
        for name in inputNames {
            guard let t = inputs[name] else { throw ONNXError.missing("input '\(name)'") }
            values[name] = t
        }
        // Tensors are released after their last reader so peak memory stays a few activations.
        var remaining: [String: Int] = [:]
        for s in steps { for i in s.inputs where constants[i] == nil { remaining[i, default: 0] += 1 } }
        for step in steps {
            let start = profile == nil ? 0 : Self.seconds()
            let outs: [Tensor]
            if let chain = step.chain {
                outs = try runChain(chain, values, team: team)
            } else {
                outs = try runSingle(step, step.node.inputs.map { $0.isEmpty ? nil : values[$0] }, team: team)
            }
            if let profile { profile(Self.label(step, step.node.inputs.first.flatMap { values[$0] }), Self.seconds() - start) }
            for i in step.inputs where constants[i] == nil {
                remaining[i, default: 0] -= 1
                if remaining[i] == 0 && !outputNames.contains(i) && !keeping.contains(i), let dead = values.removeValue(forKey: i),
                   !inputNames.contains(i) {
                    team.recycle(dead.data)
                }
            }
            for (name, t) in zip(step.outputs, outs) { values[name] = t }
        }
        var result: [String: Tensor] = [:]
        for name in outputNames + keeping {
            guard let t = values[name] else { throw ONNXError.missing("output '\(name)'") }
            result[name] = t
        }
        return result
    }

    /// One step that is not a chain.
    func runSingle(_ step: Step, _ args: [Tensor?], team: ComputeTeam) throws -> [Tensor] {
        if let dq = step.dequantize { return try quantizeDequantize(step, dq, args, team: team) }
        return try ONNXOps.evaluate(step.node, args, conv: step.conv, saturation: saturations[step.node.outputs[0]], team: team)
    }

    /// A profile label: the op type, with the geometry for convolutions.
    static func label(_ step: Step, _ input: Tensor?) -> String {
        if let chain = step.chain { return "chain of \(chain.count) elementwise" }
        if step.dequantize != nil { return "Quantize+Dequantize" }
        guard let c = step.conv, let x = input, x.shape.count == 4 else { return step.node.opType }
        let o = c.dense?.outChannels ?? c.depthwise?.channels ?? 0
        return "Conv \(c.kernel)x\(c.kernel)/\(c.stride) \(x.shape[1])→\(o) @\(x.shape[3])x\(x.shape[2])"
    }

    static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
