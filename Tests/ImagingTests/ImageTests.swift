import Testing
@testable import Imaging

@Test func byteFloatRoundTripIsExact() {
    var bytes = ByteImage(width: 16, height: 16, channels: 3)
    for i in 0..<bytes.data.count { bytes.data[i] = UInt8(i % 256) }
    let back = ByteImage(Image(bytes))
    #expect(back == bytes)
}

// Float → byte rounds to nearest, clamps, maps NaN to 0, on the SIMD body and the scalar tail alike.
@Test func floatToByteRoundsAndClamps() {
    let values: [Float] = [-1, 0, 0.5 / 255, 0.499 / 255, 1, 2, .nan, 127.5 / 255, 0.2, 1.0001, -0.0, .infinity, -.infinity]
    let img = Image(width: values.count, height: 1, channels: 1, data: values)
    let expected: [UInt8] = [0, 0, 1, 0, 255, 255, 0, 128, 51, 255, 0, 255, 0]
    #expect(ByteImage(img).data == expected)
}
