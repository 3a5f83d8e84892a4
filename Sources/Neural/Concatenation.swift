/// CONCATENATION along `axis`.
///   inputs  [outer..., Ai, inner...] for i in 0..<k (all other dims equal)
///   output  [outer..., ΣAi, inner...]
/// Each input contributes a block of Ai*inner contiguous values per outer index.
struct ConcatenationKernel: Sendable {
    let outer: Int
    /// Ai * inner for each input.
    let blocks: [Int]
    let activation: FusedActivation

    func run(inputs: [UnsafePointer<Float>], output: UnsafeMutablePointer<Float>) {
        let rowSize = blocks.reduce(0, +)
        for o in 0..<outer {
            var offset = o * rowSize
            for (i, block) in blocks.enumerated() {
                (output + offset).update(from: inputs[i] + o * block, count: block)
                offset += block
            }
        }
        applyActivation(activation, output, count: outer * rowSize)
    }
}
