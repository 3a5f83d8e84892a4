import Testing
@testable import Imaging

@Test func byteFloatRoundTripIsExact() {
    var bytes = ByteImage(width: 16, height: 16, channels: 3)
    for i in 0..<bytes.data.count { bytes.data[i] = UInt8(i % 256) }
    let back = ByteImage(Image(bytes))
    #expect(back == bytes)
}
