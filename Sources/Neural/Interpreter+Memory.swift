extension Interpreter {
    /// The buffers an interpreter owns, allocated from a finished plan.
    /// Ownership passes to the interpreter, whose `deinit` frees them.
    struct Memory {
        let arena: UnsafeMutablePointer<Float>
        let arenaFloats: Int
        let constants: UnsafeMutablePointer<Float>
        let scratch: [UnsafeMutablePointer<Float>]
        let offsets: [Int]
        let inputOffsets: [Int]
        let outputOffsets: [Int]

        init(plan: GraphPlan, threads: Int) throws {
            offsets = plan.slotOffsets
            var inputs: [Int] = [], outputs: [Int] = []
            for t in plan.model.inputs {
                guard case let .slot(k)? = plan.storage[t] else { throw TFLiteError.invalidGraph("graph input #\(t) has no buffer") }
                inputs.append(offsets[k])
            }
            for t in plan.model.outputs {
                guard case let .slot(k)? = plan.storage[t] else {
                    throw TFLiteError.unsupported("graph output #\(t) is a constant or has no buffer")
                }
                outputs.append(offsets[k])
            }
            inputOffsets = inputs
            outputOffsets = outputs
            let total = plan.slotSizes.reduce(0, +)
            arenaFloats = total
            arena = .allocate(capacity: max(total, 1))
            arena.initialize(repeating: 0, count: max(total, 1))
            let c = UnsafeMutablePointer<Float>.allocate(capacity: max(plan.constants.count, 1))
            c.initialize(repeating: 0, count: max(plan.constants.count, 1))
            plan.constants.withUnsafeBufferPointer { buf in
                if let base = buf.baseAddress { c.update(from: base, count: buf.count) }
            }
            constants = c
            var need = 0
            for config in plan.configs { if case let .conv(k) = config { need = max(need, k.scratchFloats) } }
            scratch = (0..<threads).map { _ in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: max(need, 1))
                p.initialize(repeating: 0, count: max(need, 1))
                return p
            }
        }

        func pointer(_ plan: GraphPlan, _ t: Int) -> UnsafeMutablePointer<Float>? {
            guard t >= 0, t < plan.storage.count, let s = plan.storage[t] else { return nil }
            switch s {
            case let .constant(o): return constants + o
            case let .slot(k): return arena + offsets[k]
            }
        }

        /// Binds every planned op to its buffers. Frees the memory if binding fails.
        func bind(_ plan: GraphPlan) throws -> [Step] {
            var steps: [Step] = []
            do {
                for (p, config) in zip(plan.ops, plan.configs) {
                    let ins = p.inputs.map { pointer(plan, $0) }
                    if let s = try Step.make(config: config, inputs: ins, output: pointer(plan, p.outputs[0]), constants: constants) {
                        steps.append(s)
                    }
                }
            } catch {
                free()
                throw error
            }
            return steps
        }

        func free() {
            arena.deallocate()
            constants.deallocate()
            for s in scratch { s.deallocate() }
        }
    }
}
