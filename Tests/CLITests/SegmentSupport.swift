import Foundation
import TestMedia
import Testing
import VideoIO

/// Runs a job whole and in parts, joins the parts with `kinema concat`, and compares the two outputs frame by frame.
enum SegmentRun {
    /// Per-frame PSNR (dB, RGB, +inf for identical frames) of `b` against `a`, and both frame counts.
    static func psnr(_ a: URL, _ b: URL) throws -> (psnr: [Double], framesA: Int, framesB: Int) {
        let ra = try VideoReader(url: a), rb = try VideoReader(url: b)
        var out: [Double] = []
        var na = 0, nb = 0
        while true {
            let fa = try ra.nextFrame(), fb = try rb.nextFrame()
            if fa != nil { na += 1 }
            if fb != nil { nb += 1 }
            guard let fa, let fb else {
                while try ra.nextFrame() != nil { na += 1 }
                while try rb.nextFrame() != nil { nb += 1 }
                break
            }
            guard fa.image.data.count == fb.image.data.count else { out.append(0); continue }
            var sse = 0.0
            for (x, y) in zip(fa.image.data, fb.image.data) { let d = Double(x) - Double(y); sse += d * d }
            let mse = sse / Double(fa.image.data.count)
            out.append(mse == 0 ? .infinity : 10 * log10(255 * 255 / mse))
        }
        return (out, na, nb)
    }

    /// Writes a clip that plays `name` forward then backward (2 × its frames, no cut at the turn), optionally
    /// resized: long enough that later parts' warm-up starts well after frame 0.
    static func pingPong(_ name: String, width: Int? = nil, height: Int? = nil, to url: URL) throws {
        let reader = try VideoReader(url: Media.url(name))
        if let width, let height { reader.outputSize = (width, height) }
        var frames: [VideoFrame] = []
        while let f = try reader.nextFrame() { frames.append(f) }
        let first = try #require(frames.first)
        let config = VideoWriterConfig(width: first.image.width, height: first.image.height, fps: reader.metadata.fps,
                                       crf: 12, preset: "ultrafast")
        try withVideoWriter(url: url, config: config) { w in
            for f in frames + frames.reversed() { try w.write(f.image) }
        }
    }

    /// `kinema JOB... -o whole`, then parts 1…n with `--segment K/n`, then `kinema concat` into `joined`.
    /// Returns the part files. Every run must succeed.
    @discardableResult
    static func wholeAndParts(_ job: [String], parts n: Int, in dir: URL, ext: String = "mp4",
                              audioFrom: String? = nil) throws -> (whole: URL, joined: URL, parts: [URL]) {
        let whole = dir.appendingPathComponent("whole.\(ext)"), joined = dir.appendingPathComponent("joined.\(ext)")
        let r = try KinemaCLI.run(job + ["-o", whole.path, "--quiet"])
        #expect(r.status == 0, "whole run: \(r.stderr)")
        var partURLs: [URL] = []
        for k in 1...n {
            let p = dir.appendingPathComponent("part\(k).\(ext)")
            let rk = try KinemaCLI.run(job + ["--segment", "\(k)/\(n)", "-o", p.path, "--quiet"])
            #expect(rk.status == 0, "part \(k): \(rk.stderr)")
            partURLs.append(p)
        }
        let c = try KinemaCLI.run(["concat"] + partURLs.map(\.path) + ["-o", joined.path]
                                  + (audioFrom.map { ["--audio-from", $0] } ?? []))
        #expect(c.status == 0, "concat: \(c.stderr)")
        return (whole, joined, partURLs)
    }

    /// The joined file equals the whole run: same frame count, every frame at least `minPSNR` dB, same labels,
    /// no segment tag; with an audio source, its audio is there in full.
    static func expectJoinedMatchesWhole(_ whole: URL, _ joined: URL, minPSNR: Double = 40, audioSource: URL? = nil,
                                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (p, na, nb) = try psnr(whole, joined)
        #expect(na == nb && na > 0, "frames: whole \(na), joined \(nb)", sourceLocation: sourceLocation)
        let worst = p.min() ?? 0
        #expect(worst >= minPSNR, "worst frame \(p.firstIndex(of: worst) ?? -1): \(worst) dB", sourceLocation: sourceLocation)
        let mw = try VideoReader(url: whole).metadata, mj = try VideoReader(url: joined).metadata
        #expect(mj.tags[SegmentTag.key] == nil, "segment tag left in the joined file", sourceLocation: sourceLocation)
        for key in ["comment", "kinema", "title"] { #expect(mj.tags[key] == mw.tags[key], "tag \(key)", sourceLocation: sourceLocation) }
        #expect(abs(mj.duration - mw.duration) < 0.05, "duration \(mj.duration) vs \(mw.duration)", sourceLocation: sourceLocation)
        if let audioSource {
            let ms = try VideoReader(url: audioSource).metadata
            #expect(mj.hasAudio && mj.audioCodec == ms.audioCodec, sourceLocation: sourceLocation)
            // Whole: as long as the source's audio (one AAC packet, 1024 samples, of slack at most).
            if let a = ms.audioDuration, let b = mj.audioDuration {
                #expect(abs(a - b) <= 0.025, "audio \(b) s vs source \(a) s", sourceLocation: sourceLocation)
            } else {
                Issue.record("audio duration unknown", sourceLocation: sourceLocation)
            }
        }
    }
}
