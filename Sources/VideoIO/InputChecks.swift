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
    if fileSize(path) == 0 { throw .emptyFile(path: path) }
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw .unrecognisedInput(path: path, reason: "permission denied")
    }
}

/// Size in bytes of the file `path` names, following symbolic links (nil when it cannot be read). A link's
/// own size is the length of its target's name: taken for the file's, it made every clip opened through a
/// link read as truncated ("decoded 72 of 72 frames").
func fileSize(_ path: String) -> Int64? {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : nil
}
