/// One executable op: a kernel configuration bound to the buffers it reads and writes.
struct Step {
    let config: OpConfig
    let inputs: [UnsafeMutablePointer<Float>?]
    let output: UnsafeMutablePointer<Float>
    /// Repacked constant weights and bias for `PackedGemm` (conv only).
    var packed: (weights: UnsafePointer<Float>, bias: UnsafePointer<Float>)?
    /// Alpha of a PRELU fused into a conv.
    var preluAlpha: UnsafePointer<Float>?

    /// Binds `config` to buffers; returns nil for ops folded at load time.
    /// - Throws: `TFLiteError.invalidGraph` when a required buffer is missing.
    static func make(config: OpConfig, inputs: [UnsafeMutablePointer<Float>?],
                     output: UnsafeMutablePointer<Float>?, constants: UnsafeMutablePointer<Float>) throws -> Step? {
        if case .folded = config { return nil }
        guard let output else { throw TFLiteError.invalidGraph("op output has no buffer") }
        let needed: Int
        switch config {
        case .conv, .depthwise: needed = 2
        case .add, .prelu: needed = 2
        case .concat: needed = inputs.count
        default: needed = 1
        }
        guard inputs.count >= needed, inputs.prefix(needed).allSatisfy({ $0 != nil }) else {
            throw TFLiteError.invalidGraph("op input has no float buffer")
        }
        if case let .conv(k) = config, k.residualChannels > 0, inputs.count < 4 || inputs[3] == nil {
            throw TFLiteError.invalidGraph("fused residual has no float buffer")
        }
        var step = Step(config: config, inputs: inputs, output: output)
        if case let .conv(k) = config, let p = k.packed {
            step.packed = (UnsafePointer(constants + p.weights), UnsafePointer(constants + p.bias))
            if let a = k.preluAlpha { step.preluAlpha = UnsafePointer(constants + a) }
        }
        return step
    }

    private func input(_ i: Int) -> UnsafeMutablePointer<Float> {
        // Presence of the first `needed` inputs is checked in `make`.
        inputs[i].unsafelyUnwrapped
    }

    func execute(team: WorkerTeam, scratch: [UnsafeMutablePointer<Float>]) {
        switch config {
        case let .conv(k):
            k.run(input: input(0), filter: input(1), bias: inputs.count > 2 ? inputs[2].map { UnsafePointer($0) } : nil,
                  packedWeights: packed?.weights, packedBias: packed?.bias, preluAlpha: preluAlpha,
                  residual: inputs.count > 3 ? inputs[3].map { UnsafePointer($0) } : nil,
                  output: output, scratch: scratch, team: team)
        case let .depthwise(k):
            k.run(input: input(0), filter: input(1), bias: inputs.count > 2 ? inputs[2].map { UnsafePointer($0) } : nil,
                  output: output, team: team)
        case let .add(count, bCount, swapped, activation):
            let a = swapped ? input(1) : input(0), b = swapped ? input(0) : input(1)
            addKernel(a, count: count, b, bCount: bCount, output, activation: activation, team: team)
        case let .activation(count, activation):
            activationKernel(input(0), output, count: count, activation: activation)
        case let .prelu(count, alphaCount):
            preluKernel(input(0), count: count, alpha: input(1), alphaCount: alphaCount, output, team: team)
        case let .maxPool(k):
            k.run(input: input(0), output: output, team: team)
        case let .pad(k):
            k.run(input: input(0), output: output)
        case let .copy(count):
            output.update(from: input(0), count: count)
        case let .concat(k):
            k.run(inputs: (0..<inputs.count).map { UnsafePointer(input($0)) }, output: output)
        case let .resize(k):
            k.run(input: input(0), output: output, team: team)
        case .folded:
            break
        }
    }
}
