import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a `.safetensors` file: a read-only memory mapping of the file, or a private copy of
/// in-memory bytes. It owns the mapping (or allocation) and releases it in `deinit`.
///
/// `@unchecked Sendable`: the bytes are never written after `init`, so sharing them across threads is safe.
final class ByteStorage: @unchecked Sendable {
    private let base: UnsafeRawPointer?
    private let count: Int
    private let mapped: Bool

    /// The whole file, valid as long as this object lives.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Maps `url` read-only. An empty file maps to an empty buffer.
    /// - Throws: `SafeTensorsError.io` when the file cannot be opened, sized or mapped.
    init(mapping url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw SafeTensorsError.io("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SafeTensorsError.io("cannot stat \(url.path): \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SafeTensorsError.io("\(url.path) is not a regular file") }
        let size = Int(st.st_size)
        if size == 0 {
            base = nil; count = 0; mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw SafeTensorsError.io("cannot map \(url.path): \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p); count = size; mapped = true
    }

    /// Copies `bytes` into storage this object owns.
    init(copying bytes: [UInt8]) {
        count = bytes.count
        mapped = false
        if bytes.isEmpty { base = nil; return }
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        base = UnsafeRawPointer(p)
    }

    deinit {
        guard let base else { return }
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), count) } else { base.deallocate() }
    }
}
