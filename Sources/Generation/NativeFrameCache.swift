import Foundation

/// A resume cache beside the output: native generator frames stored per batch, plus a manifest that
/// ties them to one plan's fingerprint. A crashed run leaves it behind; `--resume` reuses every complete batch.
public struct NativeFrameCache: Sendable {
    /// The cache directory (`OUT.mp4.kinema-resume/`).
    public let directory: URL
    /// The manifest (`manifest.json` inside the directory).
    public var manifestURL: URL { directory.appendingPathComponent("manifest.json") }

    /// What the manifest records.
    public struct Manifest: Codable, Sendable, Equatable {
        /// Plan fingerprint (storyboard + settings).
        public var fingerprint: String
        /// Total frames of the run.
        public var frames: Int
        /// Frames per batch.
        public var batch: Int
        /// The output the cache belongs to.
        public var output: String
    }

    /// The cache directory used for an output file.
    public static func directory(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(output.lastPathComponent + ".kinema-resume", isDirectory: true)
    }

    /// Opens (resume) or starts a cache for `plan` writing to `output`.
    /// - Parameter resume: when true an existing manifest must match the plan, else `GenerationError.resumeMismatch`;
    ///   when false any previous cache is discarded.
    /// - Throws: `GenerationError.resumeMismatch`, or file-system errors.
    public init(output: URL, plan: Text2VideoPlan, resume: Bool) throws {
        directory = Self.directory(for: output)
        let fm = FileManager.default
        let manifest = Manifest(fingerprint: plan.fingerprint, frames: plan.frameCount, batch: plan.config.batch, output: output.lastPathComponent)
        if resume, fm.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) {
            let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
            guard let old = try? JSONDecoder().decode(Manifest.self, from: data) else {
                throw GenerationError.resumeMismatch("manifest in \(directory.path) is unreadable; rerun without --resume")
            }
            guard old == manifest else {
                throw GenerationError.resumeMismatch("the manifest in \(directory.path) belongs to a different prompt or settings; rerun without --resume")
            }
            return
        }
        if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        try enc.encode(manifest).write(to: manifestURL, options: .atomic)
    }

    private func url(batch: Int) -> URL { directory.appendingPathComponent(String(format: "batch-%06d.f32", batch)) }

    /// Number of complete batches present.
    public var completedBatches: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".f32") }.count
    }

    /// Loads a batch if present with exactly `count` floats; nil otherwise.
    /// - Throws: file-system errors other than a missing file.
    public func load(batch: Int, count: Int) throws -> [Float]? {
        let u = url(batch: batch)
        guard FileManager.default.fileExists(atPath: u.path) else { return nil }
        let data = try Data(contentsOf: u)
        guard data.count == count * 4 else { return nil }
        var out = [Float](repeating: 0, count: count)
        _ = out.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return out.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
    }

    /// Stores a batch atomically (a crash mid-write leaves no partial batch).
    /// - Throws: file-system errors.
    public func store(batch: Int, _ pixels: [Float]) throws {
        let le = pixels.map { Float(bitPattern: $0.bitPattern.littleEndian) }
        try le.withUnsafeBytes { Data($0) }.write(to: url(batch: batch), options: .atomic)
    }

    /// Deletes the cache (after a successful run).
    /// - Throws: file-system errors.
    public func remove() throws {
        if FileManager.default.fileExists(atPath: directory.path) { try FileManager.default.removeItem(at: directory) }
    }
}
