import Foundation

/// Finds model files shipped in the repository's `models/` folder.
///
/// Search order: `$KINEMA_MODELS`, then a `models/` folder beside the executable or in any
/// directory above it, then `models/` in the current directory, then the source checkout
/// this file was compiled from.
public enum ModelLocator {
    /// Returns the URL of the model file `name` (for example `"face_landmark.tflite"`).
    /// - Throws: `ModelLocatorError.notFound` listing every directory searched.
    public static func url(named name: String) throws -> URL {
        let fm = FileManager.default
        let dirs = searchDirectories()
        for dir in dirs {
            let candidate = dir.appendingPathComponent(name)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue {
                return candidate
            }
        }
        throw ModelLocatorError.notFound(name: name, searched: dirs.map(\.path))
    }

    /// The directories searched, in order.
    public static func searchDirectories() -> [URL] {
        var dirs: [URL] = []
        if let env = ProcessInfo.processInfo.environment["KINEMA_MODELS"], !env.isEmpty {
            dirs.append(URL(fileURLWithPath: env, isDirectory: true))
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<8 {
            dirs.append(dir.appendingPathComponent("models", isDirectory: true))
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        dirs.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
            .appendingPathComponent("models", isDirectory: true))
        // #filePath = <repo>/Sources/Neural/ModelLocator.swift
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        dirs.append(repo.appendingPathComponent("models", isDirectory: true))
        return dirs
    }
}

/// Errors raised by `ModelLocator`.
public enum ModelLocatorError: Error, CustomStringConvertible {
    /// No searched directory holds the file.
    case notFound(name: String, searched: [String])

    public var description: String {
        switch self {
        case let .notFound(name, searched):
            return "model file '\(name)' not found; searched: \(searched.joined(separator: ", "))"
        }
    }
}
