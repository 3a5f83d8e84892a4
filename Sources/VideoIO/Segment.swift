import Foundation

/// Why a segment request or a segment tag is not acceptable.
public enum SegmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--segment` is not of the form `K/N` with 1 ≤ K ≤ N ≤ 10000.
    case badSpec(String)
    /// The job has fewer frames than parts, so some part would be empty.
    case tooManyParts(parts: Int, frames: Int)

    /// One line for humans.
    public var description: String {
        switch self {
        case .badSpec(let s): return "--segment '\(s)' must be K/N with 1 ≤ K ≤ N ≤ 10000 (e.g. 2/4)"
        case .tooManyParts(let n, let f): return "cannot cut \(f) frame(s) into \(n) segments (each needs at least one frame)"
        }
    }
}

/// One share of a job split across machines: part `index` of `count` (both 1-based).
///
/// Parts are near-equal runs of whole frames: part K of N covers frames
/// `[(K−1)·F/N, K·F/N)` of F (integer division), so lengths differ by at most one frame.
public struct Segment: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// 1-based position of this part.
    public let index: Int
    /// Number of parts the job is cut into.
    public let count: Int
    /// Most parts a job may be cut into.
    public static let maxCount = 10_000

    /// A checked segment.
    /// - Throws: `SegmentError.badSpec` unless 1 ≤ index ≤ count ≤ `maxCount`.
    public init(index: Int, count: Int) throws(SegmentError) {
        guard count >= 1, count <= Self.maxCount, index >= 1, index <= count else { throw .badSpec("\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    /// Parses `K/N` as typed on the command line.
    /// - Throws: `SegmentError.badSpec` for anything else.
    public init(parsing text: String) throws(SegmentError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = decimal(parts[0], maxDigits: 6), let n = decimal(parts[1], maxDigits: 6) else {
            throw .badSpec(text)
        }
        do { try self.init(index: k, count: n) } catch { throw .badSpec(text) }
    }

    /// The frames this part writes out of `total`.
    /// - Throws: `SegmentError.tooManyParts` when `total < count`.
    public func frames(of total: Int) throws(SegmentError) -> Range<Int> {
        guard total >= count else { throw .tooManyParts(parts: count, frames: total) }
        return ((index - 1) * total / count)..<(index * total / count)
    }

    /// Whether this is the last part (it writes up to the end of the input, whatever the frame estimate said).
    public var isLast: Bool { index == count }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }
}

/// What one part of a segmented job reads and writes.
///
/// The part processes frames `read` but writes only `write`: frames before `write` warm up stateful stages
/// (temporal coherence, trackers, scene-cut detectors), frames after it feed look-ahead stages (zero-phase
/// smoothing). The last part reads and writes to the end of the input.
public struct SegmentWindow: Sendable, Equatable {
    /// Which part this is.
    public let segment: Segment
    /// Frames of the whole job (the input's count, an estimate for some containers).
    public let total: Int
    /// Frames this part writes.
    public let write: Range<Int>
    /// Frames this part decodes and processes (`write` widened by warm-up and look-ahead).
    public let read: Range<Int>

    /// Plans a part that needs `warmUp` frames before its start and `lookAhead` frames after its end; the first
    /// frame read is moved back to a multiple of `align` (for stages that act every `align` frames from the start).
    /// - Throws: `SegmentError.tooManyParts` when `total` frames cannot be cut into `segment.count` parts.
    public init(segment: Segment, total: Int, warmUp: Int, lookAhead: Int, align: Int = 1) throws(SegmentError) {
        self.segment = segment
        self.total = total
        let w = try segment.frames(of: total)
        write = w
        let upper = segment.isLast ? Int.max : min(total, w.upperBound + max(0, lookAhead))
        let first = max(0, w.lowerBound - max(0, warmUp))
        read = (first - first % max(1, align))..<upper
    }

    /// The metadata tag the part carries, naming the job by `job` (a hash of its arguments).
    public func tag(job: String) -> SegmentTag {
        SegmentTag(segment: segment, frames: write, total: total, job: job)
    }

    /// Positions `reader` so it delivers exactly the frames of `read` (it seeks near the first one).
    /// - Throws: `VideoIOError.ffmpeg` when the container cannot seek.
    public func apply(to reader: VideoReader) throws(VideoIOError) {
        if read.lowerBound > 0 { try reader.seek(to: Double(read.lowerBound) / max(reader.metadata.fps.value, 1e-9)) }
        reader.frameWindow = read
    }

    /// A part's writer configuration: `base` with the segment tag added and no audio (the whole soundtrack is
    /// added once, by `VideoConcat`, so no audio packet is cut at a part boundary).
    public func partConfig(_ base: VideoWriterConfig, job: String) -> VideoWriterConfig {
        var c = base
        c.tags[SegmentTag.key] = tag(job: job).value
        c.audioSource = nil
        c.audioDuration = nil
        return c
    }

    /// Tells `writer` which of the frames it will be handed (the frames of `read`, in order) to encode;
    /// the others are dropped, and the first kept frame is shown at time 0.
    public func apply(to writer: VideoWriter) {
        writer.keptFrames = (write.lowerBound - read.lowerBound)..<(segment.isLast ? Int.max : write.upperBound - read.lowerBound)
    }
}

/// The metadata label that says which part of which job a file is:
/// `kinema-segment = "K/N frames=a-b/F job=HASH"` (frames `[a, b)` of F).
public struct SegmentTag: Sendable, Equatable, CustomStringConvertible {
    /// The container tag key.
    public static let key = "kinema-segment"
    /// Which part.
    public var segment: Segment
    /// The frames it holds, `[a, b)`.
    public var frames: Range<Int>
    /// Frames of the whole job.
    public var total: Int
    /// Hash of the job's arguments (parts of one job share it).
    public var job: String

    /// Creates a tag.
    public init(segment: Segment, frames: Range<Int>, total: Int, job: String) {
        self.segment = segment; self.frames = frames; self.total = total; self.job = job
    }

    /// Parses a tag value; `nil` for anything malformed (never traps).
    public init?(value: String) {
        let fields = value.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 3, value.utf8.count <= 200,
              let seg = try? Segment(parsing: String(fields[0])),
              fields[1].hasPrefix("frames="), fields[2].hasPrefix("job=") else { return nil }
        let range = fields[1].dropFirst("frames=".count).split(separator: "/", omittingEmptySubsequences: false)
        guard range.count == 2, let f = decimal(range[1], maxDigits: 12) else { return nil }
        let ab = range[0].split(separator: "-", omittingEmptySubsequences: false)
        guard ab.count == 2, let a = decimal(ab[0], maxDigits: 12), let b = decimal(ab[1], maxDigits: 12), a < b, b <= f else { return nil }
        let job = String(fields[2].dropFirst("job=".count))
        guard !job.isEmpty, job.count <= 64 else { return nil }
        self.init(segment: seg, frames: a..<b, total: f, job: job)
    }

    /// The tag value.
    public var value: String { "\(segment) frames=\(frames.lowerBound)-\(frames.upperBound)/\(total) job=\(job)" }

    /// Same as `value`.
    public var description: String { value }
}

/// A request to render one part of a job: which part, and the job's identity (a hash of its arguments, the same
/// for every part, so `VideoConcat` can tell parts of different jobs apart).
public struct SegmentRequest: Sendable, Equatable {
    /// Which part.
    public var segment: Segment
    /// The job's identity.
    public var job: String

    /// Creates a request.
    public init(segment: Segment, job: String) { self.segment = segment; self.job = job }

    /// Plans this part for the video `reader` is about to read, with the pipeline's `warmUp` and `lookAhead`
    /// needs: positions the reader, tags `config` as the part, and returns the window (hand it the writer
    /// with `apply(to:)` once the writer exists).
    /// - Throws: `SegmentError.tooManyParts`, or `VideoIOError` when the reader cannot seek.
    public func prepare(reader: VideoReader, config: inout VideoWriterConfig, warmUp: Int, lookAhead: Int,
                        align: Int = 1) throws -> SegmentWindow {
        let window = try SegmentWindow(segment: segment, total: reader.metadata.frameCount, warmUp: warmUp,
                                       lookAhead: lookAhead, align: align)
        try window.apply(to: reader)
        config = window.partConfig(config, job: job)
        return window
    }
}

/// A non-negative decimal of 1...`maxDigits` ASCII digits (no sign, no spaces); `nil` otherwise.
private func decimal(_ s: Substring, maxDigits: Int) -> Int? {
    guard !s.isEmpty, s.utf8.count <= maxDigits, s.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
    return Int(s)
}
