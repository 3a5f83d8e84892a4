import CFFmpeg
import Foundation

/// Why parts cannot be joined. `description` is one line naming the file at fault.
public enum ConcatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than one part was given.
    case noParts
    /// A file has no `kinema-segment` tag (it was not written with `--segment`).
    case notAPart(path: String)
    /// A part belongs to another job (different arguments, or a different number of parts).
    case otherJob(path: String, expected: String, found: String)
    /// The parts are not given in order, or one is given twice.
    case outOfOrder(path: String, expected: Int, found: Int)
    /// Parts are missing (at the end, or because `count` differs from the parts given).
    case missingParts([Int], of: Int)
    /// Two consecutive parts do not meet: the frames between them are missing.
    case gap(path: String, expectedStart: Int, found: Int)
    /// A part's stream differs from the first part's (codec, size, time base, encoder settings).
    case mismatch(path: String, what: String)
    /// A part holds a different number of frames than its tag says.
    case frameCount(path: String, tagged: Int, found: Int)
    /// The joined timestamps would not increase (a damaged part).
    case timestamps(path: String)

    /// One line for humans.
    public var description: String {
        switch self {
        case .noParts: return "concat needs at least one part"
        case .notAPart(let p): return "\(p): not a kinema segment (no kinema-segment tag; write parts with --segment K/N)"
        case .otherJob(let p, let e, let f): return "\(p): part of another job (\(f), expected \(e))"
        case .outOfOrder(let p, let e, let f): return "\(p): parts out of order: expected part \(e), got part \(f)"
        case .missingParts(let ks, let n):
            return "missing part\(ks.count == 1 ? "" : "s") \(ks.map(String.init).joined(separator: ", ")) of \(n)"
        case .gap(let p, let e, let f): return "\(p): gap: it starts at frame \(f), the previous part ended at frame \(e)"
        case .mismatch(let p, let w): return "\(p): does not match the first part: \(w)"
        case .frameCount(let p, let t, let f): return "\(p): holds \(f) frames, its tag says \(t)"
        case .timestamps(let p): return "\(p): timestamps go backwards; the part is damaged"
        }
    }
}

/// One opened part: its demuxer, video stream and segment tag.
final class ConcatPart {
    let url: URL
    let input: InputFormat
    let video: UnsafeMutablePointer<AVStream>
    let audio: UnsafeMutablePointer<AVStream>?
    let tag: SegmentTag
    let tags: [String: String]

    /// Opens `url` and reads its segment tag.
    /// - Throws: `VideoIOError` for unreadable files, `ConcatError.notAPart` without a valid tag.
    init(url: URL) throws {
        try checkReadableFile(url)
        self.url = url
        input = try InputFormat(path: url.path)
        let v = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard v >= 0 else { throw VideoIOError.noVideoStream(path: url.path) }
        video = input.stream(Int(v))
        let a = av_find_best_stream(input.pointer, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        audio = a >= 0 ? input.stream(Int(a)) : nil
        tags = readTags(input.pointer.pointee.metadata)
        guard let value = tags[SegmentTag.key], let t = SegmentTag(value: value) else { throw ConcatError.notAPart(path: url.path) }
        tag = t
    }

    /// Throws `ConcatError.mismatch` unless this part's video stream can follow `first`'s in one stream.
    func checkMatches(_ first: ConcatPart) throws {
        let a = first.video.pointee.codecpar.pointee, b = video.pointee.codecpar.pointee
        func fail(_ what: String) -> ConcatError { .mismatch(path: url.path, what: what) }
        if a.codec_id != b.codec_id {
            throw fail("codec \(String(cString: avcodec_get_name(b.codec_id))) vs \(String(cString: avcodec_get_name(a.codec_id)))")
        }
        if a.width != b.width || a.height != b.height { throw fail("size \(b.width)x\(b.height) vs \(a.width)x\(a.height)") }
        if a.format != b.format { throw fail("pixel format") }
        let ta = first.video.pointee.time_base, tb = video.pointee.time_base
        if av_cmp_q(ta, tb) != 0 { throw fail("time base \(tb.num)/\(tb.den) vs \(ta.num)/\(ta.den)") }
        if av_cmp_q(first.video.pointee.avg_frame_rate, video.pointee.avg_frame_rate) != 0 { throw fail("frame rate") }
        if !sameBytes(a.extradata, Int(a.extradata_size), b.extradata, Int(b.extradata_size)) {
            throw fail("encoder settings (codec headers differ; use the same --codec/--crf/--preset for every part)")
        }
        let ma = displayMatrix(first.video), mb = displayMatrix(video)
        if displayRotation(ma) != displayRotation(mb) { throw fail("rotation") }
        if displayIsMirrored(ma) != displayIsMirrored(mb) { throw fail("mirroring (one part's display matrix flips the picture)") }
        if (first.audio == nil) != (audio == nil) { throw fail("one has audio, the other not") }
        if let fa = first.audio?.pointee.codecpar.pointee, let pa = audio?.pointee.codecpar.pointee,
           fa.codec_id != pa.codec_id || fa.sample_rate != pa.sample_rate || fa.ch_layout.nb_channels != pa.ch_layout.nb_channels {
            throw fail("audio format")
        }
    }
}

/// Whether two C byte buffers hold the same bytes.
private func sameBytes(_ a: UnsafeMutablePointer<UInt8>?, _ na: Int, _ b: UnsafeMutablePointer<UInt8>?, _ nb: Int) -> Bool {
    guard na == nb else { return false }
    guard na > 0, let a, let b else { return true }
    return memcmp(a, b, na) == 0
}

/// Checks that `parts` are parts 1…N of one job, in order, with no gap between them.
/// - Throws: the first `ConcatError` found, naming the file at fault.
func checkSequence(_ parts: [ConcatPart]) throws {
    guard let first = parts.first else { throw ConcatError.noParts }
    let n = first.tag.segment.count
    for (i, p) in parts.enumerated() {
        let t = p.tag
        if t.job != first.tag.job || t.segment.count != n || t.total != first.tag.total {
            throw ConcatError.otherJob(path: p.url.path, expected: "job \(first.tag.job), \(n) parts, \(first.tag.total) frames",
                                       found: "job \(t.job), \(t.segment.count) parts, \(t.total) frames")
        }
        if t.segment.index != i + 1 {
            // A later part in the first slot means earlier ones are missing, unless they come later in the list.
            let given = Set(parts.map(\.tag.segment.index))
            let missing = (1...n).filter { !given.contains($0) }
            if !missing.isEmpty && t.segment.index > i + 1 && !given.contains(i + 1) { throw ConcatError.missingParts(missing, of: n) }
            throw ConcatError.outOfOrder(path: p.url.path, expected: i + 1, found: t.segment.index)
        }
        if i > 0, parts[i - 1].tag.frames.upperBound != t.frames.lowerBound {
            throw ConcatError.gap(path: p.url.path, expectedStart: parts[i - 1].tag.frames.upperBound, found: t.frames.lowerBound)
        }
        if i == 0, t.frames.lowerBound != 0 { throw ConcatError.gap(path: p.url.path, expectedStart: 0, found: t.frames.lowerBound) }
        if i > 0 { try p.checkMatches(first) }
    }
    if parts.count < n { throw ConcatError.missingParts(Array((parts.count + 1)...n), of: n) }
}
