import Foundation

/// Checks that an input path names a non-empty regular file, so the common mistakes get
/// a precise error instead of FFmpeg's generic one.
func checkReadableFile(_ url: URL) throws(VideoIOError) {
    let path = url.path
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw .fileNotFound(path: path)
    }
    if isDir.boolValue { throw .isDirectory(path: path) }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
    if size == 0 { throw .emptyFile(path: path) }
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw .unrecognisedInput(path: path, reason: "permission denied")
    }
}

/// Size of a file in bytes (0 when it cannot be read).
func fileSize(_ path: String) -> Int64 {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
}
