import Foundation

/// 64-bit FNV-1a over UTF-8 bytes: a stable hash for turning subject phrases into seeds.
public func fnv1a64(_ text: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in text.utf8 {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01B3
    }
    return h
}
