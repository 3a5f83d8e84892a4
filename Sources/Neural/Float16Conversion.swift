/// Converts IEEE 754 binary16 bits to Float (handles subnormals, infinities and NaN).
@inline(__always)
func float16BitsToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1f)
    let mantissa = UInt32(h & 0x3ff)
    if exponent == 0 {
        // Zero or subnormal: mantissa * 2^-24.
        let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 {
        return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
}

/// DEQUANTIZE for fp16 constants: little-endian binary16 bytes to Float, done once at load time.
/// Shape: output has the input's shape; `count` elements.
func dequantizeFloat16(_ bytes: ArraySlice<UInt8>, count: Int) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    let base = bytes.startIndex
    for i in 0..<min(count, bytes.count / 2) {
        let h = UInt16(bytes[base + 2 * i]) | UInt16(bytes[base + 2 * i + 1]) << 8
        out[i] = float16BitsToFloat(h)
    }
    return out
}
