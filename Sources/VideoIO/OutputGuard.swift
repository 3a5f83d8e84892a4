import Foundation

/// Refuses outputs that would overwrite an input, checked before any work starts.
///
/// Two paths conflict when they name the same file: the same device and inode (hard links and symlinks
/// included), or, for an output that does not exist yet, the same path once `.`/`..` and every symlink in it
/// are resolved. An output folder (a frames folder, a cache folder) conflicts with an input that is the folder
/// itself or lies anywhere inside it. Outputs must also differ from each other.
///
///     try OutputGuard.check(outputs: [out, preview], folders: [framesDir], inputs: [input, audio])
public enum OutputGuard {
    /// Throws `VideoIOError.outputIsInput` (one line naming the output and the input) on the first conflict.
    ///
    /// - Parameters:
    ///   - outputs: files the command will create or replace.
    ///   - folders: folders the command will create files in.
    ///   - inputs: every file the command reads.
    /// - Throws: `VideoIOError.outputIsInput`, or `.invalidConfiguration` when two outputs are the same file.
    public static func check(outputs: [URL], folders: [URL] = [], inputs: [URL]) throws(VideoIOError) {
        for output in outputs {
            for input in inputs where PathIdentity(output) == PathIdentity(input) {
                throw .outputIsInput(path: output.path)
            }
        }
        for folder in folders {
            let root = PathIdentity(folder)
            for input in inputs where root == PathIdentity(input) || root.contains(PathIdentity(input)) {
                throw .outputIsInput(path: folder.path)
            }
        }
        let all = outputs + folders
        for i in all.indices {
            for j in all.indices where j > i && PathIdentity(all[i]) == PathIdentity(all[j]) {
                throw .invalidConfiguration("two outputs name the same file: \(all[i].path) and \(all[j].path)")
            }
        }
    }
}

/// What makes two paths the same file: device and inode when the path exists, else its fully resolved path.
public struct PathIdentity: Equatable, Sendable {
    /// The absolute path with `.`, `..` and every symlink resolved (the existing part of it, for a new file).
    public let resolvedPath: String
    /// Device and inode of the existing file (nil when nothing exists there yet).
    public let fileID: FileID?

    /// Device and inode numbers, the identity `stat` gives.
    public struct FileID: Hashable, Sendable {
        /// `st_dev`.
        public let device: UInt64
        /// `st_ino`.
        public let inode: UInt64
    }

    /// The identity of `url` now (follows symlinks, like opening it would).
    public init(_ url: URL) {
        resolvedPath = Self.resolve(url.path)
        var st = stat()
        fileID = stat(url.path, &st) == 0 ? FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) : nil
    }

    /// Same file: equal device+inode when both exist, else equal resolved paths.
    public static func == (a: PathIdentity, b: PathIdentity) -> Bool {
        if let x = a.fileID, let y = b.fileID { return x == y }
        return a.resolvedPath == b.resolvedPath
    }

    /// Whether `other` lies inside this path taken as a folder.
    public func contains(_ other: PathIdentity) -> Bool {
        let prefix = resolvedPath.hasSuffix("/") ? resolvedPath : resolvedPath + "/"
        return other.resolvedPath.hasPrefix(prefix)
    }

    /// Resolves symlinks in the longest existing prefix of `path` and appends the rest, so a file that does not
    /// exist yet inside a symlinked folder resolves to where it would be created.
    static func resolve(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var head = absolute
        var tail: [String] = []
        while head != "/" && !head.isEmpty {
            if let real = realpath(head, nil) {
                defer { free(real) }
                let base = String(cString: real)
                return tail.reversed().reduce(base) { $0 == "/" ? "/" + $1 : $0 + "/" + $1 }
            }
            let url = URL(fileURLWithPath: head)
            tail.append(url.lastPathComponent)
            head = url.deletingLastPathComponent().path
        }
        return absolute
    }
}
