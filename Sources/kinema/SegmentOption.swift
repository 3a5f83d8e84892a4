import ArgumentParser
import Foundation
import VideoIO

/// `--segment K/N`, shared by every job that can be split across machines (restyle, faceswap, text2video,
/// transcode). Add with `@OptionGroup var segmenting: SegmentOption`.
struct SegmentOption: ParsableArguments {
    @Option(help: "Render only part K of N of the frames (K = 1...N), to be joined with 'kinema concat'.")
    var segment: String?

    /// The library request, naming the job by a hash of this process's arguments; `nil` without `--segment`.
    /// - Throws: `SegmentError.badSpec` for a malformed value.
    func request() throws -> SegmentRequest? {
        guard let segment else { return nil }
        return SegmentRequest(segment: try Segment(parsing: segment), job: JobIdentity.hash(CommandLine.arguments.dropFirst()))
    }
}

/// The identity of a job split into parts: what every part's command line has in common.
enum JobIdentity {
    /// Options whose value differs from part to part, or does not change the frames.
    static let perPartOptions: Set<String> = ["-o", "--output", "--segment", "--preview", "--frames"]
    /// Flags that do not change the frames.
    static let ignoredFlags: Set<String> = ["--quiet", "--json", "--resume"]

    /// FNV-1a 64 (hex) of the arguments without per-part options, their values and cosmetic flags.
    static func hash<S: Sequence>(_ arguments: S) -> String where S.Element == String {
        var kept: [String] = []
        var skipNext = false
        for a in arguments {
            if skipNext { skipNext = false; continue }
            if perPartOptions.contains(a) { skipNext = true; continue }
            if let eq = a.firstIndex(of: "="), perPartOptions.contains(String(a[..<eq])) { continue }
            if ignoredFlags.contains(a) { continue }
            kept.append(a)
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in kept.joined(separator: "\u{0}").utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
