import CFFmpeg
import Foundation

/// What a join did.
public struct ConcatSummary: Sendable, Codable, Equatable {
    /// Parts joined.
    public var parts: Int
    /// Video frames in the joined file.
    public var frames: Int
    /// Video duration of the joined file, in seconds.
    public var seconds: Double
    /// Where the audio came from: "none", "parts", or the `AudioTrack` mode for `audioFrom` ("copy", "transcode:aac").
    public var audio: String
}

/// Joins the parts of a segmented job into one file by stream copy: packets are copied, never re-encoded.
///
/// Parts must carry `kinema-segment` tags 1…N of one job, in order and without gaps, and match in codec, size,
/// time base and encoder headers. Video timestamps continue across parts (each part is shifted to start where
/// the previous one ended). The audio is the whole first audio stream of `audioFrom` when given (copied, or
/// transcoded when the container cannot hold it), else the parts' own audio joined end to end. Container tags
/// of the first part are kept (the synthetic-media label among them) except the segment tag. The output is
/// written atomically.
public enum VideoConcat {
    /// Joins `parts` into `output`.
    /// - Throws: `ConcatError` when the parts do not belong together, `VideoIOError` for unreadable parts or an
    ///   unwritable output (which is then not created).
    @discardableResult
    public static func join(parts urls: [URL], output: URL, audioFrom: URL? = nil) throws -> ConcatSummary {
        guard !urls.isEmpty else { throw ConcatError.noParts }
        let parts = try urls.map { try ConcatPart(url: $0) }
        try checkSequence(parts)
        let first = parts[0]
        let ext = output.pathExtension.lowercased()
        let muxers = ["mp4": "mp4", "m4v": "mp4", "mov": "mov", "mkv": "matroska", "webm": "webm"]
        guard let muxer = muxers[ext] else {
            throw VideoIOError.unsupported("output \(output.lastPathComponent): use .mp4, .mov, .mkv or .webm")
        }
        let atomic = try AtomicOutput(target: output, inputs: urls + [audioFrom].compactMap { $0 })
        let format = try OutputFormat(path: atomic.tempPath, formatName: muxer)
        let vout = try format.newStream()
        try check("avcodec_parameters_copy", avcodec_parameters_copy(vout.pointee.codecpar, first.video.pointee.codecpar))
        vout.pointee.codecpar.pointee.codec_tag = 0
        if first.video.pointee.codecpar.pointee.codec_id == AV_CODEC_ID_HEVC && muxer != "matroska" && muxer != "webm" {
            vout.pointee.codecpar.pointee.codec_tag = fourCC("hvc1")
        }
        vout.pointee.time_base = first.video.pointee.time_base
        vout.pointee.avg_frame_rate = first.video.pointee.avg_frame_rate
        try copyDisplayMatrix(from: first.video, to: vout)

        var audioTrack: AudioTrack? = nil
        var aout: UnsafeMutablePointer<AVStream>? = nil
        if let src = audioFrom {
            audioTrack = try AudioTrack(source: src, output: format, limit: nil)
        } else if let a = first.audio {
            let s = try format.newStream()
            try check("avcodec_parameters_copy", avcodec_parameters_copy(s.pointee.codecpar, a.pointee.codecpar))
            s.pointee.codecpar.pointee.codec_tag = 0
            s.pointee.time_base = a.pointee.time_base
            aout = s
        }
        let brands: Set<String> = ["major_brand", "minor_version", "compatible_brands", "encoder", SegmentTag.key]
        for (k, v) in first.tags.sorted(by: { $0.key < $1.key }) where !brands.contains(k) {
            av_dict_set(&format.pointer.pointee.metadata, k, v, 0)
        }
        do {
            try format.openIO(path: atomic.tempPath)
        } catch {
            if case .ffmpeg(_, _, let message) = error { throw VideoIOError.outputNotWritable(path: output.path, reason: message) }
            throw error
        }
        var options: OpaquePointer? = nil
        if muxer == "mp4" || muxer == "mov" { av_dict_set(&options, "movflags", "+faststart+use_metadata_tags", 0) }
        let rc = avformat_write_header(format.pointer, &options)
        av_dict_free(&options)
        try check("avformat_write_header", rc)

        var copier = PacketCopier(format: format, vout: vout, aout: aout, audioTrack: audioTrack)
        for (i, part) in parts.enumerated() {
            let frames = try copier.copy(part)
            let tagged = part.tag.frames.count
            if i < parts.count - 1 && frames != tagged {
                throw ConcatError.frameCount(path: part.url.path, tagged: tagged, found: frames)
            }
            if frames == 0 { throw ConcatError.frameCount(path: part.url.path, tagged: tagged, found: 0) }
        }
        try audioTrack?.finish()
        try check("av_write_trailer", av_write_trailer(format.pointer))
        try format.closeIO()
        try atomic.commit()
        let seconds = Double(copier.videoEnd) * av_q2d(vout.pointee.time_base)
        return ConcatSummary(parts: parts.count, frames: copier.frames, seconds: seconds,
                             audio: audioTrack?.mode ?? (aout != nil ? "parts" : "none"))
    }

    private static func copyDisplayMatrix(from src: UnsafeMutablePointer<AVStream>, to dst: UnsafeMutablePointer<AVStream>) throws {
        var size = 0
        guard let raw = av_stream_get_side_data(src, AV_PKT_DATA_DISPLAYMATRIX, &size), size > 0 else { return }
        let copy = try allocated("display matrix", av_stream_new_side_data(dst, AV_PKT_DATA_DISPLAYMATRIX, size))
        copy.update(from: raw, count: size)
    }
}

/// Copies the packets of consecutive parts into one output with continuous timestamps.
private struct PacketCopier {
    let format: OutputFormat
    let vout: UnsafeMutablePointer<AVStream>
    let aout: UnsafeMutablePointer<AVStream>?
    let audioTrack: AudioTrack?
    /// End of the video written so far (largest pts + duration), in the output video time base.
    var videoEnd: Int64 = 0
    /// End of the parts' audio written so far, in the output audio time base.
    var audioEnd: Int64 = 0
    var lastDts = Int64.min
    var frames = 0

    init(format: OutputFormat, vout: UnsafeMutablePointer<AVStream>, aout: UnsafeMutablePointer<AVStream>?, audioTrack: AudioTrack?) {
        self.format = format; self.vout = vout; self.aout = aout; self.audioTrack = audioTrack
    }

    /// Copies one part; returns its number of video frames.
    mutating func copy(_ part: ConcatPart) throws -> Int {
        let packet = try Packet()
        let vin = part.video, ain = part.audio
        let nopts = kinema_av_nopts_value()
        // Each part starts where the previous one ended: shift its earliest timestamp onto the running end.
        let vStart = vin.pointee.start_time == nopts ? 0 : av_rescale_q(vin.pointee.start_time, vin.pointee.time_base, vout.pointee.time_base)
        let vShift = videoEnd - vStart
        var aShift: Int64 = 0
        if let ain, let aout {
            let aStart = ain.pointee.start_time == nopts ? 0 : av_rescale_q(ain.pointee.start_time, ain.pointee.time_base, aout.pointee.time_base)
            aShift = audioEnd - aStart
        }
        var count = 0
        var partVideoEnd = videoEnd, partAudioEnd = audioEnd
        while av_read_frame(part.input.pointer, packet.pointer) >= 0 {
            defer { packet.unref() }
            let p = packet.pointer
            let idx = Int(p.pointee.stream_index)
            if idx == Int(vin.pointee.index) {
                av_packet_rescale_ts(p, vin.pointee.time_base, vout.pointee.time_base)
                if p.pointee.pts != nopts { p.pointee.pts += vShift }
                if p.pointee.dts != nopts { p.pointee.dts += vShift }
                let dts = p.pointee.dts != nopts ? p.pointee.dts : p.pointee.pts
                if dts != nopts {
                    if dts <= lastDts { throw ConcatError.timestamps(path: part.url.path) }
                    lastDts = dts
                }
                if p.pointee.pts != nopts { partVideoEnd = max(partVideoEnd, p.pointee.pts + max(0, p.pointee.duration)) }
                p.pointee.stream_index = vout.pointee.index
                p.pointee.pos = -1
                if let audioTrack, dts != nopts { try audioTrack.pump(upTo: Double(dts) * av_q2d(vout.pointee.time_base)) }
                try check("av_interleaved_write_frame(video)", av_interleaved_write_frame(format.pointer, p))
                count += 1
            } else if let ain, let aout, idx == Int(ain.pointee.index) {
                av_packet_rescale_ts(p, ain.pointee.time_base, aout.pointee.time_base)
                if p.pointee.pts != nopts { p.pointee.pts += aShift }
                if p.pointee.dts != nopts { p.pointee.dts += aShift }
                if p.pointee.pts != nopts { partAudioEnd = max(partAudioEnd, p.pointee.pts + max(0, p.pointee.duration)) }
                p.pointee.stream_index = aout.pointee.index
                p.pointee.pos = -1
                try check("av_interleaved_write_frame(audio)", av_interleaved_write_frame(format.pointer, p))
            }
        }
        videoEnd = partVideoEnd
        audioEnd = partAudioEnd
        frames += count
        return count
    }
}
