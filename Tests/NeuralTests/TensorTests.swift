import Testing
@testable import Neural

@Test func tensorRejectsMismatchedShape() {
    #expect(throws: TensorError.self) { try Tensor(shape: [1, 2, 2, 3], data: [0, 1]) }
    let t = Tensor(shape: [1, 2, 2, 3])
    #expect(t.count == 12)
    #expect(throws: TensorError.self) { try t.reshaped([5]) }
}
