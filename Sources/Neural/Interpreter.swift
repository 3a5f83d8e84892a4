import Foundation

/// Runs a `TFLiteModel` on the CPU.
///
/// Everything that does not depend on input values is done once in `init`: constants are
/// materialised (fp16 weights dequantised), shapes are inferred and checked against the file,
/// stand-alone RELUs are fused into the op before them, and every activation tensor gets a slot
/// in one arena whose slots are reused once a tensor is dead. `run` only executes kernels.
///
/// `run` may be called from any thread; calls are serialised by a lock (the arena is shared).
public final class Interpreter: @unchecked Sendable {
    /// Shapes of the model's inputs, in the model's input order.
    public let inputShapes: [[Int]]
    /// Shapes of the model's outputs, in the model's output order.
    public let outputShapes: [[Int]]
    /// Number of threads the kernels split work across.
    public let threads: Int
    /// Floats of activation memory the plan uses (after slot reuse).
    public let arenaFloats: Int

    private let lock = NSLock()
    private let arena: UnsafeMutablePointer<Float>
    private let constants: UnsafeMutablePointer<Float>
    private let scratch: [UnsafeMutablePointer<Float>]
    let steps: [Step]
    private let inputOffsets: [Int]
    private let outputOffsets: [Int]
    /// This thread plus `threads - 1` persistent workers (see `WorkerTeam`).
    private let team: WorkerTeam

    /// Plans `model` for execution on `threads` threads (clamped to 1...64).
    /// - Throws: `TFLiteError.unsupported` for ops or types this runtime lacks,
    ///   `TFLiteError.invalidGraph` when shapes or indices are inconsistent.
    public init(model: TFLiteModel, threads: Int = 1) throws {
        let threads = max(1, min(threads, 64))
        let plan = try GraphPlan(model: model)
        let memory = try Memory(plan: plan, threads: threads)
        let steps = try memory.bind(plan)
        self.threads = threads
        arenaFloats = memory.arenaFloats
        arena = memory.arena
        constants = memory.constants
        scratch = memory.scratch
        self.steps = steps
        inputOffsets = memory.inputOffsets
        outputOffsets = memory.outputOffsets
        inputShapes = model.inputs.map { plan.shapes[$0] ?? [] }
        outputShapes = model.outputs.map { plan.shapes[$0] ?? [] }
        team = WorkerTeam(threads: threads)
    }

    deinit {
        arena.deallocate()
        constants.deallocate()
        for s in scratch { s.deallocate() }
    }

    /// Runs the model on `inputs` (one tensor per model input, shapes as `inputShapes`).
    /// - Returns: one tensor per model output, in the model's output order.
    /// - Throws: `TFLiteError.badInput` when the inputs' count or shapes do not match.
    public func run(_ inputs: [Tensor]) throws -> [Tensor] {
        var none: [UInt64] = []
        return try run(inputs, stepTimes: &none)
    }

    /// `run`, adding each step's nanoseconds to `stepTimes` when it has one entry per step.
    func run(_ inputs: [Tensor], stepTimes: inout [UInt64]) throws -> [Tensor] {
        guard inputs.count == inputShapes.count else {
            throw TFLiteError.badInput("model takes \(inputShapes.count) inputs, got \(inputs.count)")
        }
        for (i, t) in inputs.enumerated() where t.shape != inputShapes[i] {
            throw TFLiteError.badInput("input \(i) has shape \(t.shape), the model expects \(inputShapes[i])")
        }
        lock.lock()
        defer { lock.unlock() }
        for (i, t) in inputs.enumerated() {
            t.data.withUnsafeBufferPointer { buf in
                if let base = buf.baseAddress { (arena + inputOffsets[i]).update(from: base, count: buf.count) }
            }
        }
        if stepTimes.count == steps.count {
            for (i, step) in steps.enumerated() {
                let t0 = DispatchTime.now().uptimeNanoseconds
                step.execute(team: team, scratch: scratch)
                stepTimes[i] += DispatchTime.now().uptimeNanoseconds - t0
            }
        } else {
            for step in steps { step.execute(team: team, scratch: scratch) }
        }
        var outs: [Tensor] = []
        for (i, shape) in outputShapes.enumerated() {
            let count = shape.reduce(1, *)
            let data = [Float](unsafeUninitializedCapacity: count) { buf, n in
                if let base = buf.baseAddress { base.update(from: arena + outputOffsets[i], count: count) }
                n = count
            }
            outs.append(try Tensor(shape: shape, data: data))
        }
        return outs
    }
}
