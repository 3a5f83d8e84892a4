extension GraphPlan {
    /// Fuses `ADD(conv(...), r)` into the conv when the conv has constant weights and the ADD is its
    /// output's only reader: the GEMM epilogue adds `r` while the block is still in registers, so the
    /// sum never makes a separate pass over memory. When `r` is a channel-only zero PAD of `x` whose
    /// only reader is this ADD (BlazeFace's residual widening), the PAD is dropped and the conv adds
    /// `x` to its first channels. `r` (or `x`) must be computed before the conv runs.
    /// Decided on the shapes the file declares; `inferShapes` checks them against the inferred ones.
    /// - Returns: true when the ADD was fused (its output is then produced by the conv).
    mutating func fuseResidualAdd(_ op: TFLiteOperator, consumers: [Int], producer: inout [Int: Int]) -> Bool {
        guard op.inputs.count == 2, op.outputs.count == 1 else { return false }
        let a = op.inputs[0], b = op.inputs[1]
        guard a >= 0, b >= 0, a != b, a < model.tensors.count, b < model.tensors.count else { return false }
        // The conv that runs last is the candidate, so the other operand already exists.
        let pairs = [(a, b), (b, a)].sorted { (producer[$0.0] ?? -1) > (producer[$1.0] ?? -1) }
        for (y, r) in pairs {
            guard let p = producer[y], consumers[y] == 1, ops[p].kind == .conv2D, !ops[p].removed,
                  ops[p].fusedPreluAlpha == nil, ops[p].fusedResidual == nil, ops[p].outputs == [y],
                  ops[p].inputs.count >= 2, ops[p].inputs.count <= 3, isConstant(ops[p].inputs[1], producer),
                  ops[p].inputs.count < 3 || ops[p].inputs[2] < 0 || isConstant(ops[p].inputs[2], producer)
            else { continue }
            var source = r
            var pad: Int?
            if let q = producer[r], ops[q].kind == .pad, consumers[r] == 1, isChannelOnlyPad(ops[q]) {
                source = ops[q].inputs[0]
                pad = q
            }
            guard source >= 0, source < model.tensors.count, storage[source] == nil else { continue }
            if let s = producer[source], s >= p { continue }
            let ys = model.tensors[y].shape, ss = model.tensors[source].shape
            guard ys.count == 4, ss.count == 4, Array(ss[0..<3]) == Array(ys[0..<3]), ss[3] >= 1,
                  pad == nil ? ss[3] == ys[3] : ss[3] <= ys[3],
                  model.tensors[op.outputs[0]].shape == ys else { continue }
            if let q = pad { ops[q].removed = true }
            while ops[p].inputs.count < 3 { ops[p].inputs.append(-1) }
            ops[p].inputs.append(source)
            ops[p].fusedResidual = source
            ops[p].residualActivation = Self.baseActivation(op)
            ops[p].outputs = op.outputs
            producer[op.outputs[0]] = p
            return true
        }
        return false
    }

    /// A constant, or the DEQUANTIZE of one (folded to a constant by `inferShapes`), so the conv's
    /// weights will be packed.
    private func isConstant(_ t: Int, _ producer: [Int: Int]) -> Bool {
        guard t >= 0, t < storage.count else { return false }
        if case .constant? = storage[t] { return true }
        guard let q = producer[t], ops[q].kind == .dequantize, let i = ops[q].inputs.first, i >= 0, i < storage.count,
              case .constant? = storage[i] else { return false }
        return true
    }

    /// A PAD of a rank-4 tensor that only appends zero channels.
    private func isChannelOnlyPad(_ p: PlannedOp) -> Bool {
        guard p.inputs.count == 2, p.outputs.count == 1, p.inputs[0] >= 0, p.inputs[0] < model.tensors.count,
              model.tensors[p.inputs[0]].shape.count == 4,
              let pads = int32Constants[p.inputs[1]], pads.count == 8 else { return false }
        return pads[0..<7].allSatisfy { $0 == 0 } && pads[7] >= 0
    }
}
