/// Graph analysis done once when an `Interpreter` is built: constants, shape inference,
/// activation fusion and liveness-based buffer assignment.
struct GraphPlan {
    /// A value an op reads or writes.
    enum Storage: Equatable {
        /// Offset (floats) into the constants block.
        case constant(Int)
        /// Index of an activation slot; resolved to an arena offset after planning.
        case slot(Int)
    }

    /// An operator after fusion, with inferred shapes.
    struct PlannedOp {
        var op: TFLiteOperator
        var kind: BuiltinOperator
        var inputs: [Int]
        var outputs: [Int]
        /// Activation fused from a following RELU/RELU6 op.
        var fusedActivation: FusedActivation?
        /// Alpha tensor of a PRELU fused into a constant-weight CONV_2D before it (applied last).
        var fusedPreluAlpha: Int?
        /// The other operand of an ADD fused into a constant-weight CONV_2D (also its input 3).
        var fusedResidual: Int?
        /// Activation of the fused ADD (its own, or a RELU after it), applied after the sum.
        var residualActivation: FusedActivation = .none
        /// Dropped by a fusion (a PAD whose only reader was a fused ADD): nothing to run.
        var removed = false
    }

    let model: TFLiteModel
    /// Inferred shape of every tensor that is defined (nil if never produced).
    var shapes: [[Int]?]
    var storage: [Storage?]
    var constants: [Float] = []
    var int32Constants: [Int: [Int32]] = [:]
    var ops: [PlannedOp] = []
    /// Kernel configuration for each entry of `ops`.
    var configs: [OpConfig] = []
    var slotSizes: [Int] = []

    init(model: TFLiteModel) throws {
        self.model = model
        shapes = Array(repeating: nil, count: model.tensors.count)
        storage = Array(repeating: nil, count: model.tensors.count)
        try loadConstants()
        for i in model.inputs {
            let t = model.tensors[i]
            guard t.type == .float32 else { throw TFLiteError.unsupported("input '\(t.name)' is \(t.type), not float32") }
            guard storage[i] == nil else { throw TFLiteError.invalidGraph("input '\(t.name)' is a constant") }
            _ = try checkedElementCount(t.shape, "input '\(t.name)'")
            shapes[i] = t.shape
        }
        try buildOps()
        try inferShapes()
        try assignSlots()
    }

    /// Raw bytes of tensor `i`'s buffer, or nil when it has none.
    private func bufferBytes(_ i: Int) -> ArraySlice<UInt8>? {
        let b = model.tensors[i].buffer
        guard b > 0, b < model.buffers.count else { return nil }
        let r = model.buffers[b]
        guard !r.isEmpty, r.upperBound <= model.bytes.count else { return nil }
        return model.bytes[r]
    }

    private mutating func loadConstants() throws {
        for (i, t) in model.tensors.enumerated() {
            guard let bytes = bufferBytes(i) else { continue }
            let count = try t.shape.isEmpty ? 1 : checkedElementCount(t.shape, "constant '\(t.name)'")
            guard bytes.count == count * t.type.byteSize else {
                throw TFLiteError.invalidGraph("constant '\(t.name)' holds \(bytes.count) bytes for \(count) × \(t.type)")
            }
            let base = bytes.startIndex
            func word(_ k: Int) -> UInt32 {
                let o = base + 4 * k
                return UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            }
            switch t.type {
            case .float32:
                storage[i] = .constant(constants.count)
                constants.reserveCapacity(constants.count + count)
                for k in 0..<count { constants.append(Float(bitPattern: word(k))) }
                shapes[i] = t.shape
            case .float16:
                // Kept as float too, so a DEQUANTIZE of it is free at run time.
                storage[i] = .constant(constants.count)
                constants.append(contentsOf: dequantizeFloat16(bytes, count: count))
                shapes[i] = t.shape
            case .int32:
                int32Constants[i] = (0..<count).map { Int32(bitPattern: word($0)) }
                shapes[i] = t.shape
            default:
                continue
            }
        }
    }

    /// Resolves op codes and fuses stand-alone RELU/RELU6/RELU_N1_TO_1 into the op producing their input,
    /// PRELU into a constant-weight conv, and residual ADDs into the conv before them (`fuseResidualAdd`).
    private mutating func buildOps() throws {
        var consumers = [Int](repeating: 0, count: model.tensors.count)
        for op in model.operators { for i in op.inputs where i >= 0 { consumers[i] += 1 } }
        for o in model.outputs { consumers[o] += 1 }
        var producer = [Int: Int]()
        for (n, op) in model.operators.enumerated() {
            guard let kind = BuiltinOperator(rawValue: op.code) else {
                throw TFLiteError.unsupported("operator \(n) has builtin code \(op.code)")
            }
            let activation: FusedActivation? = switch kind {
            case .relu: .relu
            case .relu6: .relu6
            case .reluN1To1: .reluN1To1
            default: nil
            }
            if kind == .add, fuseResidualAdd(op, consumers: consumers, producer: &producer) { continue }
            if let activation, op.inputs.count == 1, op.outputs.count == 1,
               let p = producer[op.inputs[0]], consumers[op.inputs[0]] == 1, ops[p].fusedResidual != nil,
               ops[p].residualActivation == .none, ops[p].fusedPreluAlpha == nil {
                // A RELU after a fused ADD: applied to the sum.
                ops[p].residualActivation = activation
                ops[p].outputs = op.outputs
                producer[op.outputs[0]] = p
                continue
            }
            if let activation, op.inputs.count == 1, op.outputs.count == 1,
               let p = producer[op.inputs[0]], consumers[op.inputs[0]] == 1, ops[p].fusedResidual == nil,
               ops[p].fusedActivation == nil, ops[p].outputs.count == 1,
               [.conv2D, .depthwiseConv2D, .add].contains(ops[p].kind), Self.baseActivation(ops[p].op) == FusedActivation.none {
                ops[p].fusedActivation = activation
                ops[p].outputs = op.outputs
                producer[op.outputs[0]] = p
                continue
            }
            if kind == .prelu, op.inputs.count == 2, op.outputs.count == 1, op.inputs[1] >= 0,
               let p = producer[op.inputs[0]], consumers[op.inputs[0]] == 1, ops[p].kind == .conv2D,
               ops[p].fusedActivation == nil, ops[p].fusedPreluAlpha == nil, ops[p].outputs.count == 1,
               Self.baseActivation(ops[p].op) == FusedActivation.none, storage[op.inputs[1]] != nil {
                // Checked again when shapes are known; the conv applies it while its output is in cache.
                ops[p].fusedPreluAlpha = op.inputs[1]
                ops[p].outputs = op.outputs
                producer[op.outputs[0]] = p
                continue
            }
            for o in op.outputs { producer[o] = ops.count }
            ops.append(PlannedOp(op: op, kind: kind, inputs: op.inputs, outputs: op.outputs, fusedActivation: nil))
        }
    }

    static func baseActivation(_ op: TFLiteOperator) -> FusedActivation {
        switch op.options {
        case let .conv(o): return o.activation
        case let .add(a): return a
        case let .pool(o): return o.activation
        case let .concatenation(_, a): return a
        default: return .none
        }
    }
}
