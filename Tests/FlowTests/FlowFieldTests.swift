import Testing
@testable import Flow

@Test func flowFieldStartsAtRest() {
    let f = FlowField(width: 7, height: 5)
    #expect(f.u.count == 35 && f.v.allSatisfy { $0 == 0 })
}
