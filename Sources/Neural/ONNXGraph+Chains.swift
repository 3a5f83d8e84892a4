/// Elementwise chains: consecutive steps such as Mul(x, scale_c) → Quantize+Dequantize → Add(·, shift_c)
/// → Relu → Quantize+Dequantize, where each result is read only by the next step, run as one pass:
/// every op is applied to a block of at most 4096 values of one channel plane while it sits in L1,
/// instead of one full-tensor pass per op. The arithmetic per value is the single ops' (same order,
/// same division and rounding). Operands besides the chained value must be of its shape, one value,
/// or one per channel ([1, C, 1, 1] against [1, C, H, W]); otherwise the members run one by one.
extension ONNXGraph {
    /// Whether `step` can be a chain member: binary arithmetic, Relu, or a quantise / dequantise with
    /// single constant scales.
    static func chainable(_ step: Step, constants: [String: Tensor]) -> Bool {
        guard let first = step.node.inputs.first, !first.isEmpty, step.conv == nil else { return false }
        switch step.node.opType {
        case "Add", "Sub", "Mul", "Div": return step.node.inputs.count == 2 && !step.node.inputs[1].isEmpty && step.node.outputs.count == 1
        case "Relu": return step.node.outputs.count == 1
        case "QuantizeLinear", "DequantizeLinear":
            let constArgs = { (n: ONNXNode) in Array(n.inputs.dropFirst().map { $0.isEmpty ? nil : constants[$0] }) }
            guard ONNXOps.scalarQuant([nil] + constArgs(step.node)) != nil else { return false }
            return step.dequantize.map { ONNXOps.scalarQuant([nil] + constArgs($0)) != nil } ?? true
        default: return false
        }
    }

    /// Groups runs of chainable steps (each reading the previous one's output, which nothing else reads).
    static func chainElementwise(_ steps: [Step], constants: [String: Tensor], outputs: Set<String>) -> [Step] {
        var readers: [String: Set<Int>] = [:]
        for (i, s) in steps.enumerated() { for name in s.inputs { readers[name, default: []].insert(i) } }
        var result: [Step] = [], run: [Step] = []
        func flush() {
            if run.count >= 2 { result.append(Step(node: run[0].node, conv: nil, chain: run)) } else { result += run }
            run = []
        }
        for (i, s) in steps.enumerated() {
            guard chainable(s, constants: constants) else { flush(); result.append(s); continue }
            if let last = run.last, let out = last.outputs.first, last.outputs.count == 1, !outputs.contains(out),
               readers[out] == [i], s.node.inputs.contains(out) {
                run.append(s)
            } else {
                flush()
                run = [s]
            }
        }
        flush()
        return result
    }

    /// One op of a chain, resolved against the run's tensors.
    private enum ChainOp {
        case quantize(q: (scale: Float, zero: Float)?, range: ClosedRange<Float>, dq: (scale: Float, zero: Float)?)
        case relu, square
        /// `perChannel`: the other operand's value per channel (nil: a same-shape operand, passed as `full`);
        /// `mainLeft`: the chained value is the left operand.
        case binary(ONNXOps.Binary, perChannel: [Float]?, mainLeft: Bool)
    }

    /// Runs a chain as one pass, or its members one by one when an operand's shape is not one of the simple cases.
    func runChain(_ chain: [Step], _ values: [String: Tensor], team: ComputeTeam) throws -> [Tensor] {
        if let fused = try fusedChain(chain, values, team: team) { return [fused] }
        var local: [String: Tensor] = [:]
        for s in chain {
            let outs = try runSingle(s, s.node.inputs.map { $0.isEmpty ? nil : (local[$0] ?? values[$0]) }, team: team)
            for (n, t) in zip(s.outputs, outs) { local[n] = t }
        }
        guard let name = chain.last?.outputs.first, let t = local[name] else { throw ONNXError.missing("chain output") }
        return [t]
    }

    private func fusedChain(_ chain: [Step], _ values: [String: Tensor], team: ComputeTeam) throws -> Tensor? {
        // The chained value enters at the first op: its larger operand (the left one on a tie).
        let first = chain[0].node
        var mainName = first.inputs[0]
        if ["Add", "Sub", "Mul", "Div"].contains(first.opType), first.inputs[0] != first.inputs[1],
           let a = values[first.inputs[0]], let b = values[first.inputs[1]], b.count > a.count {
            mainName = first.inputs[1]
        }
        guard let x = values[mainName] else { return nil }
        let planes = x.shape.count == 4 && x.shape[0] == 1 ? x.shape[1] : 1
        let plane = x.count / max(planes, 1)
        // Resolve operands.
        var specs: [(kind: ONNXOps.Binary?, op: String, other: Tensor?, mainLeft: Bool, step: Step)] = []
        var previous = mainName
        for s in chain {
            let n = s.node
            switch n.opType {
            case "Add", "Sub", "Mul", "Div":
                let kind: ONNXOps.Binary = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div][n.opType]!
                if n.inputs[0] == previous && n.inputs[1] == previous {
                    specs.append((kind, "square", nil, true, s))
                } else {
                    let mainLeft = n.inputs[0] == previous
                    guard let other = values[mainLeft ? n.inputs[1] : n.inputs[0]] else { return nil }
                    let fits = other.shape == x.shape || (other.count == 1 && other.shape.count <= x.shape.count)
                        || (planes > 1 && other.shape == [1, planes, 1, 1])
                    guard fits else { return nil }
                    specs.append((kind, "binary", other, mainLeft, s))
                }
            default:
                specs.append((nil, n.opType, nil, true, s))
            }
            previous = s.outputs[0]
        }
        var ops: [ChainOp] = []
        for spec in specs {
            switch spec.op {
            case "square": ops.append(.square)
            case "Relu": ops.append(.relu)
            case "binary":
                let o = spec.other!
                if o.shape == x.shape {
                    ops.append(.binary(spec.kind!, perChannel: nil, mainLeft: spec.mainLeft))
                } else {
                    ops.append(.binary(spec.kind!, perChannel: o.count == 1 ? [Float](repeating: o.data[0], count: planes) : o.data,
                                       mainLeft: spec.mainLeft))
                }
            default:
                let s = spec.step
                let qArgs = [nil] + s.node.inputs.dropFirst().map { $0.isEmpty ? nil : constants[$0] }
                if s.node.opType == "QuantizeLinear" {
                    let dq = s.dequantize.map { d in ONNXOps.scalarQuant([nil] + d.inputs.dropFirst().map { $0.isEmpty ? nil : constants[$0] }) } ?? nil
                    ops.append(.quantize(q: ONNXOps.scalarQuant(qArgs), range: saturations[s.node.outputs[0]] ?? -128...127, dq: dq))
                } else {
                    ops.append(.quantize(q: nil, range: 0...0, dq: ONNXOps.scalarQuant(qArgs)))
                }
            }
        }
        let fullOperands = specs.map { $0.op == "binary" && $0.other!.shape == x.shape ? $0.other : nil }
        let out = ONNXOps.mapped(x, team: team) { src, dst in
            withFullPointers(fullOperands) { pointers in
                let blocksPerPlane = (plane + 4095) / 4096
                parallelChunks(planes * blocksPerPlane, team: team.team, work: x.count * ops.count) { _, jobs in
                    for job in jobs {
                        let c = job / blocksPerPlane, lo = c * plane + (job % blocksPerPlane) * 4096
                        let r = lo..<min(lo + 4096, (c + 1) * plane)
                        for (k, op) in ops.enumerated() {
                            Self.apply(op, channel: c, full: pointers[k], from: k == 0 ? src : UnsafePointer(dst), to: dst, r)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Pointers to the same-shape operands (nil elsewhere), valid inside `body`.
    private func withFullPointers<R>(_ tensors: [Tensor?], _ body: ([UnsafePointer<Float>?]) -> R) -> R {
        var pointers: [UnsafePointer<Float>?] = []
        func step(_ i: Int) -> R {
            if i == tensors.count { return body(pointers) }
            guard let t = tensors[i] else { pointers.append(nil); return step(i + 1) }
            return t.data.withUnsafeBufferPointer { b in pointers.append(b.baseAddress!); return step(i + 1) }
        }
        return step(0)
    }

    private static func apply(_ op: ChainOp, channel c: Int, full: UnsafePointer<Float>?, from src: UnsafePointer<Float>,
                              to dst: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
        switch op {
        case let .quantize(q, range, dq):
            if let q {
                ONNXOps.quantizeRun(src, dst, r, scale: q.scale, zero: q.zero, lo: range.lowerBound, hi: range.upperBound,
                                    dScale: dq?.scale ?? 1, dZero: dq?.zero ?? 0, dequantize: dq != nil)
            } else if let dq {
                for i in r { dst[i] = (src[i] - dq.zero) * dq.scale }
            }
        case .relu:
            var i = r.lowerBound
            while i + 16 <= r.upperBound { let v = load16(src + i); store16(dst + i, v.replacing(with: 0, where: v .< 0)); i += 16 }
            while i < r.upperBound { dst[i] = max(src[i], 0); i += 1 }
        case .square:
            var i = r.lowerBound
            while i + 16 <= r.upperBound { let v = load16(src + i); store16(dst + i, v * v); i += 16 }
            while i < r.upperBound { dst[i] = src[i] * src[i]; i += 1 }
        case let .binary(kind, perChannel, mainLeft):
            var i = r.lowerBound
            if let full {
                while i + 16 <= r.upperBound {
                    let v = load16(src + i), o = load16(full + i)
                    store16(dst + i, mainLeft ? ONNXOps.apply(kind, v, o) : ONNXOps.apply(kind, o, v)); i += 16
                }
                while i < r.upperBound {
                    let v = SIMD16<Float>(repeating: src[i]), o = SIMD16<Float>(repeating: full[i])
                    dst[i] = (mainLeft ? ONNXOps.apply(kind, v, o) : ONNXOps.apply(kind, o, v))[0]; i += 1
                }
            } else if let perChannel {
                let o = SIMD16<Float>(repeating: perChannel[c])
                while i + 16 <= r.upperBound {
                    let v = load16(src + i)
                    store16(dst + i, mainLeft ? ONNXOps.apply(kind, v, o) : ONNXOps.apply(kind, o, v)); i += 16
                }
                while i < r.upperBound {
                    let v = SIMD16<Float>(repeating: src[i])
                    dst[i] = (mainLeft ? ONNXOps.apply(kind, v, o) : ONNXOps.apply(kind, o, v))[0]; i += 1
                }
            }
        }
    }
}
