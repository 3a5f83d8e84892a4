import Testing
@testable import Faces

@Test func boxIoU() {
    let a = Box(x: 0, y: 0, width: 10, height: 10)
    let b = Box(x: 5, y: 0, width: 10, height: 10)
    #expect(abs(a.iou(b) - 50.0 / 150.0) < 1e-6)
    #expect(a.iou(a) == 1)
}
