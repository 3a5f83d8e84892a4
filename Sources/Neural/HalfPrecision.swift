/// Bulk conversion of stored 16-bit floats to Float: sixteen values per step (`vcvtph2ps` with
/// AVX-512/F16C), so reading an fp16 checkpoint layer by layer costs a fraction of a scalar loop.
public enum HalfPrecision {
    /// `count` little-endian IEEE binary16 values at `src` (any alignment) → `dst`.
    public static func float16ToFloat(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let h = (src + 2 * i).loadUnaligned(as: SIMD16<Float16>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: SIMD16<Float>(h), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            dst[i] = Float(Float16(bitPattern: UInt16(littleEndian: (src + 2 * i).loadUnaligned(as: UInt16.self))))
            i += 1
        }
    }

    /// `count` little-endian bfloat16 values at `src` → `dst` (each is the top half of a binary32).
    public static func bfloat16ToFloat(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let h = (src + 2 * i).loadUnaligned(as: SIMD16<UInt16>.self)
            let bits = SIMD16<UInt32>(truncatingIfNeeded: h) &<< 16
            UnsafeMutableRawPointer(dst + i).storeBytes(of: bits, as: SIMD16<UInt32>.self)
            i += 16
        }
        while i < count {
            dst[i] = Float(bitPattern: UInt32(UInt16(littleEndian: (src + 2 * i).loadUnaligned(as: UInt16.self))) << 16)
            i += 1
        }
    }
}
