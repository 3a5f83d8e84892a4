import Foundation

/// A few spare pixel buffers, passed from the encoding side back to the decoding side.
///
/// Every buffer in the pool has capacity for at least `count + swsOverrun` bytes, so libswscale's
/// block-wise stores past the last row stay inside the allocation.
final class BufferPool: @unchecked Sendable {
    // Invariant: `buffers` is only touched with `lock` held.
    private let lock = NSLock()
    private var buffers: [[UInt8]] = []
    private let limit = 8

    /// Keeps `buffer` if it is big enough and the pool is not full.
    func put(_ buffer: [UInt8], minimumCapacity: Int) {
        guard buffer.capacity >= minimumCapacity else { return }
        lock.lock(); defer { lock.unlock() }
        if buffers.count < limit { buffers.append(buffer) }
    }

    /// A buffer of exactly `count` elements, if one is pooled.
    func take(count: Int) -> [UInt8]? {
        lock.lock(); defer { lock.unlock() }
        guard let i = buffers.lastIndex(where: { $0.count == count }) else { return nil }
        return buffers.remove(at: i)
    }
}
