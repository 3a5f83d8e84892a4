import CFFmpeg
import Foundation

/// Carries the first audio stream of a source file into an output being written.
///
/// Packets are copied one by one with rescaled timestamps when the output container accepts the
/// codec; otherwise the audio is decoded, resampled and encoded to AAC (Opus for WebM).
/// Timestamps are shifted so the source's video start (or audio start, without video) becomes 0,
/// keeping the audio in sync with video frames written from time 0.
final class AudioTrack {
    let mode: String
    private let input: InputFormat
    private let inStream: UnsafeMutablePointer<AVStream>
    private let outStream: UnsafeMutablePointer<AVStream>
    private let output: OutputFormat
    private let offsetSeconds: Double
    private let limit: Double?
    private let packet: Packet
    private var pendingValid = false
    private var sourceDone = false
    private let transcoder: AudioTranscoder?

    /// Returns `nil` when the source has no audio stream.
    init?(source: URL, output: OutputFormat, limit: Double?) throws(VideoIOError) {
        try checkReadableFile(source)
        input = try InputFormat(path: source.path)
        let index = av_find_best_stream(input.pointer, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard index >= 0 else { return nil }
        for i in 0..<input.streamCount where i != Int(index) { input.stream(i).pointee.discard = AVDISCARD_ALL }
        inStream = input.stream(Int(index))
        self.output = output
        self.limit = limit
        packet = try Packet()
        offsetSeconds = AudioTrack.syncOffset(input, audio: inStream)
        outStream = try output.newStream()

        let codecId = inStream.pointee.codecpar.pointee.codec_id
        let oformat = output.pointer.pointee.oformat!
        if AudioTrack.canCopy(codecId, into: oformat) {
            try check("avcodec_parameters_copy", avcodec_parameters_copy(outStream.pointee.codecpar, inStream.pointee.codecpar))
            outStream.pointee.codecpar.pointee.codec_tag = 0
            outStream.pointee.time_base = inStream.pointee.time_base
            mode = "copy"
            transcoder = nil
        } else {
            let target = avformat_query_codec(oformat, AV_CODEC_ID_AAC, FF_COMPLIANCE_NORMAL) == 1 ? "aac" : "libopus"
            transcoder = try AudioTranscoder(input: inStream, encoderName: target, output: output, stream: outStream,
                                             offsetSeconds: offsetSeconds, limit: limit)
            mode = "transcode:\(target == "aac" ? "aac" : "opus")"
        }
    }

    /// Codecs each container holds in a form other players read; FFmpeg's own query also says yes to
    /// non-standard pairings (Vorbis in MP4), so MP4/MOV/WebM use these lists and Matroska the query.
    static let copyable: [String: Set<String>] = [
        "mp4": ["aac", "mp3", "ac3", "eac3", "alac", "opus"],
        "mov": ["aac", "mp3", "ac3", "eac3", "alac", "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_f32le"],
        "webm": ["opus", "vorbis"],
    ]

    static func canCopy(_ codec: AVCodecID, into oformat: UnsafePointer<AVOutputFormat>) -> Bool {
        let muxer = String(cString: oformat.pointee.name)
        if let list = copyable[muxer] { return list.contains(String(cString: avcodec_get_name(codec))) }
        return avformat_query_codec(oformat, codec, FF_COMPLIANCE_NORMAL) == 1
    }

    /// Source time that maps to output time 0.
    private static func syncOffset(_ input: InputFormat, audio: UnsafeMutablePointer<AVStream>) -> Double {
        let v = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        let st = v >= 0 ? input.stream(Int(v)) : audio
        guard st.pointee.start_time != kinema_av_nopts_value() else { return 0 }
        return Double(st.pointee.start_time) * av_q2d(st.pointee.time_base)
    }

    /// Writes all source audio that starts before `seconds` of output time.
    func pump(upTo seconds: Double) throws(VideoIOError) {
        while try nextPacket() {
            let t = packetSeconds()
            if t > seconds { return }
            try consumePending()
        }
    }

    /// Writes the rest of the audio and flushes any encoder.
    func finish() throws(VideoIOError) {
        while try nextPacket() { try consumePending() }
        try transcoder?.finish()
    }

    /// Makes sure a packet of the audio stream is pending; false when the source is exhausted.
    private func nextPacket() throws(VideoIOError) -> Bool {
        if pendingValid { return true }
        while !sourceDone {
            let rc = av_read_frame(input.pointer, packet.pointer)
            if rc < 0 { sourceDone = true; return false }  // EOF, or a damaged tail: keep what we have
            if packet.pointer.pointee.stream_index != inStream.pointee.index { packet.unref(); continue }
            pendingValid = true
            return true
        }
        return false
    }

    private func packetSeconds() -> Double {
        let p = packet.pointer.pointee
        let ts = p.pts != kinema_av_nopts_value() ? p.pts : p.dts
        guard ts != kinema_av_nopts_value() else { return 0 }
        return Double(ts) * av_q2d(inStream.pointee.time_base) - offsetSeconds
    }

    private func consumePending() throws(VideoIOError) {
        defer { packet.unref(); pendingValid = false }
        if let limit, packetSeconds() >= limit { sourceDone = true; return }
        if let transcoder {
            try transcoder.decode(packet.pointer)
            return
        }
        let shift = av_rescale_q(Int64((offsetSeconds * 1_000_000).rounded()), kinema_av_time_base_q(),
                                 inStream.pointee.time_base)
        let p = packet.pointer
        if p.pointee.pts != kinema_av_nopts_value() { p.pointee.pts -= shift }
        if p.pointee.dts != kinema_av_nopts_value() { p.pointee.dts -= shift }
        av_packet_rescale_ts(p, inStream.pointee.time_base, outStream.pointee.time_base)
        p.pointee.stream_index = outStream.pointee.index
        p.pointee.pos = -1
        try check("av_interleaved_write_frame(audio)", av_interleaved_write_frame(output.pointer, p))
    }
}
