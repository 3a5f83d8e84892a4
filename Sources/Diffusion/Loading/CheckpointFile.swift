import Foundation
import Neural

/// Checks on a weights file before it is mapped: Kinema reads only safetensors and refuses pickles by
/// extension and by content (a zip or pickle opcode stream), never unpickling anything.
enum CheckpointFile {
    /// Extensions of PyTorch pickle checkpoints.
    static let pickleExtensions: Set<String> = ["ckpt", "pt", "pth", "bin", "pkl", "pickle"]

    /// Opens a `.safetensors` file after refusing pickles.
    /// - Throws: `DiffusionError.pickle`, `.missingComponent` for an absent file, or `SafeTensorsError`.
    static func openSafeTensors(_ url: URL) throws -> SafeTensors {
        try refusePickle(url)
        guard FileManager.default.fileExists(atPath: url.path) else { throw DiffusionError.missingComponent(url.path) }
        return try SafeTensors(contentsOf: url)
    }

    /// Throws `DiffusionError.pickle` when `url` names or holds a pickle checkpoint.
    static func refusePickle(_ url: URL) throws {
        if pickleExtensions.contains(url.pathExtension.lowercased()) { throw DiffusionError.pickle(url.lastPathComponent) }
        guard let h = FileHandle(forReadingAtPath: url.path) else { return }
        defer { try? h.close() }
        let head = [UInt8]((try? h.read(upToCount: 9)) ?? Data())
        // torch.save writes a zip ("PK") holding data.pkl; legacy files start with pickle protocol 2+ (0x80, n).
        // A safetensors header length can begin with the same two bytes, but its JSON then starts at byte 8.
        if head.count == 9, head[8] == UInt8(ascii: "{") { return }
        if head.count >= 2, (head[0] == 0x50 && head[1] == 0x4B) || (head[0] == 0x80 && (2...5).contains(head[1])) {
            throw DiffusionError.pickle(url.lastPathComponent)
        }
    }
}
