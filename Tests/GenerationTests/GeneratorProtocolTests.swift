import Testing
import Imaging
@testable import Generation

private struct ConstantGenerator: LatentGenerator {
    let name = "constant"
    let latentSize = 2
    let nativeSize = (width: 2, height: 2)
    func decode(_ latents: [[Float]]) throws -> [Image] {
        latents.map { Image(width: 2, height: 2, channels: 3, fill: $0[0]) }
    }
}

@Test func protocolDecodesBatch() throws {
    let g: any LatentGenerator = ConstantGenerator()
    let out = try g.decode([[0.25, 0], [0.75, 0]])
    #expect(out.count == 2 && out[1].data[0] == 0.75)
}
