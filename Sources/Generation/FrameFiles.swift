import Foundation
import Imaging
import VideoIO

/// The per-frame PNGs of a text2video run (`--frames DIR`): each one is registered as incomplete output
/// until the whole run succeeds, so a failure or Ctrl-C removes them (and the folder, if the run created it).
/// Same-named frames of an earlier run in that folder are replaced as they are written, so they go too.
final class FrameFiles {
    private let directory: URL?
    private var written: [String] = []
    private var createdDirectory: String?

    /// Files go into `directory` (nil: no frame files).
    init(directory: URL?) { self.directory = directory }

    /// Creates the folder (and its parents) unless it exists; a folder made here is removed on failure.
    /// - Throws: file-system errors.
    private func createDirectory() throws {
        guard let directory else { return }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue { return }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        createdDirectory = directory.path
        TemporaryFiles.register(directory.path)
    }

    /// Creates the folder, runs `body`, then keeps the frames it wrote, or removes them when it throws.
    /// - Throws: what `createDirectory` or `body` throws.
    func writing<T>(_ body: () throws -> T) throws -> T {
        do {
            try createDirectory()
            let result = try body()
            keep()
            return result
        } catch {
            discard()
            throw error
        }
    }

    /// Writes frame `index` as `frame-NNNNN.png` (atomically, with `label` in a tEXt chunk).
    /// - Throws: `VideoIOError` from the image writer.
    func write(_ frame: ByteImage, index: Int, label: String?) throws {
        guard let directory else { return }
        let url = directory.appendingPathComponent(String(format: "frame-%05d.png", index))
        TemporaryFiles.register(url.path)
        written.append(url.path)
        try ImageFile.write(frame, to: url, label: label)
    }

    /// The run succeeded: keep every file.
    private func keep() {
        for p in written { TemporaryFiles.unregister(p) }
        if let d = createdDirectory { TemporaryFiles.unregister(d) }
        written = []
        createdDirectory = nil
    }

    /// The run failed: delete the frames written so far, and the folder if this run created it.
    private func discard() {
        for p in written { unlink(p); TemporaryFiles.unregister(p) }
        if let d = createdDirectory { rmdir(d); TemporaryFiles.unregister(d) }
        written = []
        createdDirectory = nil
    }
}
