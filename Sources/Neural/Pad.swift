/// PAD with zeros, rank ≤ 4 (lower ranks are treated as leading 1s).
///   input  [D0, D1, D2, D3]
///   paddings [4, 2] int32 (before, after) per axis
///   output [D0+p0, D1+p1, D2+p2, D3+p3]
struct PadKernel: Sendable {
    /// Input dims and leading pads, both padded to rank 4.
    let inDims: [Int]
    let before: [Int]
    let outDims: [Int]

    func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let total = outDims.reduce(1, *)
        output.update(repeating: 0, count: total)
        let c = inDims[3]
        for a in 0..<inDims[0] {
            for b in 0..<inDims[1] {
                for d in 0..<inDims[2] {
                    let src = input + ((a * inDims[1] + b) * inDims[2] + d) * c
                    let o = (((a + before[0]) * outDims[1] + b + before[1]) * outDims[2] + d + before[2]) * outDims[3]
                        + before[3]
                    (output + o).update(from: src, count: c)
                }
            }
        }
    }
}
