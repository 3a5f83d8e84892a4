import CFFmpeg
import Foundation

/// Decodes one audio stream, resamples it and re-encodes it (AAC or Opus) into an output stream.
final class AudioTranscoder {
    private let decoder: CodecContext
    private let encoder: CodecContext
    private let resampler: Resampler
    private let fifo: AudioFifo
    private let output: OutputFormat
    private let stream: UnsafeMutablePointer<AVStream>
    private let decoded: Frame
    private let converted: Frame
    private let chunk: Frame
    private let outPacket: Packet
    private let frameSize: Int32
    private let maxSamples: Int64?
    private var samplesQueued: Int64 = 0
    private var nextPts: Int64 = 0
    private var started = false
    private let offsetSeconds: Double
    private let inTimeBase: AVRational

    init(input: UnsafeMutablePointer<AVStream>, encoderName: String, output: OutputFormat,
         stream: UnsafeMutablePointer<AVStream>, offsetSeconds: Double, limit: Double?) throws(VideoIOError) {
        guard let par = input.pointee.codecpar else { throw .unsupported("audio stream without parameters") }
        guard let dcodec = avcodec_find_decoder(par.pointee.codec_id) else {
            throw .unsupported("no decoder for audio codec \(String(cString: avcodec_get_name(par.pointee.codec_id)))")
        }
        guard let ecodec = avcodec_find_encoder_by_name(encoderName) else {
            throw .unsupported("audio encoder \(encoderName) is not in this FFmpeg build")
        }
        decoder = try CodecContext(codec: dcodec)
        try check("avcodec_parameters_to_context", avcodec_parameters_to_context(decoder.pointer, par))
        decoder.pointer.pointee.pkt_timebase = input.pointee.time_base
        try decoder.open()

        encoder = try CodecContext(codec: ecodec)
        let e = encoder.pointer
        let inRate = decoder.pointer.pointee.sample_rate
        let rate = AudioTranscoder.pickRate(ecodec, preferred: inRate)
        e.pointee.sample_rate = rate
        e.pointee.time_base = AVRational(num: 1, den: rate)
        e.pointee.sample_fmt = ecodec.pointee.sample_fmts?.pointee ?? AV_SAMPLE_FMT_FLTP
        let channels = decoder.pointer.pointee.ch_layout.nb_channels
        // Opus beyond stereo needs a mapping family; AAC handles up to 5.1 natively. Else downmix.
        let keep = encoderName == "aac" ? channels <= 6 : channels <= 2
        if keep {
            try check("av_channel_layout_copy", av_channel_layout_copy(&e.pointee.ch_layout, &decoder.pointer.pointee.ch_layout))
            if e.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
                av_channel_layout_uninit(&e.pointee.ch_layout)
                av_channel_layout_default(&e.pointee.ch_layout, channels)
            }
        } else {
            av_channel_layout_default(&e.pointee.ch_layout, 2)
        }
        e.pointee.bit_rate = Int64(min(64_000 * Int(e.pointee.ch_layout.nb_channels), 384_000))
        if (output.pointer.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0 {
            e.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        try encoder.open()
        try check("avcodec_parameters_from_context", avcodec_parameters_from_context(stream.pointee.codecpar, e))
        stream.pointee.time_base = e.pointee.time_base

        var inLayout = decoder.pointer.pointee.ch_layout
        if inLayout.order == AV_CHANNEL_ORDER_UNSPEC { av_channel_layout_default(&inLayout, channels) }
        resampler = try Resampler(outLayout: &e.pointee.ch_layout, outFormat: e.pointee.sample_fmt, outRate: rate,
                                  inLayout: &inLayout, inFormat: decoder.pointer.pointee.sample_fmt, inRate: inRate)
        fifo = try AudioFifo(format: e.pointee.sample_fmt, channels: e.pointee.ch_layout.nb_channels)
        frameSize = e.pointee.frame_size > 0 ? e.pointee.frame_size : 1024
        decoded = try Frame()
        converted = try Frame()
        chunk = try Frame()
        outPacket = try Packet()
        self.output = output
        self.stream = stream
        self.offsetSeconds = offsetSeconds
        self.inTimeBase = input.pointee.time_base
        maxSamples = limit.map { Int64(($0 * Double(rate)).rounded()) }
    }

    private static func pickRate(_ codec: UnsafePointer<AVCodec>, preferred: Int32) -> Int32 {
        guard let list = codec.pointee.supported_samplerates else { return preferred }
        var i = 0
        var any: Int32 = 0
        while list[i] != 0 {
            if list[i] == preferred { return preferred }
            if list[i] == 48000 { any = 48000 }
            i += 1
        }
        return any != 0 ? any : list[0]
    }

    /// Decodes one source packet and encodes every full frame that results.
    func decode(_ packet: UnsafeMutablePointer<AVPacket>) throws(VideoIOError) {
        let sent = avcodec_send_packet(decoder.pointer, packet)
        if sent == kinema_averror_invaliddata() { return }  // skip a damaged packet, keep going
        _ = try codecStep("avcodec_send_packet(audio)", sent)
        try drainDecoder()
        try encodeQueued(final: false)
    }

    /// Flushes decoder, resampler and encoder.
    func finish() throws(VideoIOError) {
        _ = try codecStep("avcodec_send_packet(audio flush)", avcodec_send_packet(decoder.pointer, nil))
        try drainDecoder()
        try convert(nil)
        try encodeQueued(final: true)
        try sendToEncoder(nil)
    }

    private func drainDecoder() throws(VideoIOError) {
        while try codecStep("avcodec_receive_frame(audio)", avcodec_receive_frame(decoder.pointer, decoded.pointer)) == .ok {
            defer { decoded.unref() }
            if !started {
                started = true
                let ts = decoded.pointer.pointee.best_effort_timestamp
                if ts != kinema_av_nopts_value() {
                    let seconds = Double(ts) * av_q2d(inTimeBase) - offsetSeconds
                    nextPts = max(0, Int64((seconds * Double(encoder.pointer.pointee.sample_rate)).rounded()))
                }
            }
            try convert(decoded.pointer)
        }
    }

    /// Resamples `frame` (or flushes the resampler with `nil`) into the FIFO.
    private func convert(_ frame: UnsafeMutablePointer<AVFrame>?) throws(VideoIOError) {
        let e = encoder.pointer
        converted.unref()
        converted.pointer.pointee.sample_rate = e.pointee.sample_rate
        converted.pointer.pointee.format = e.pointee.sample_fmt.rawValue
        try check("av_channel_layout_copy", av_channel_layout_copy(&converted.pointer.pointee.ch_layout, &e.pointee.ch_layout))
        let pending = swr_get_out_samples(resampler.pointer, frame?.pointee.nb_samples ?? 0)
        guard pending > 0 else { return }
        converted.pointer.pointee.nb_samples = pending
        try check("av_frame_get_buffer(audio)", av_frame_get_buffer(converted.pointer, 0))
        let n = try check("swr_convert", swr_convert(
            resampler.pointer, converted.pointer.pointee.extended_data, pending,
            frame.map { UnsafeMutablePointer(mutating: $0.pointee.extended_data) }
                .map { p in UnsafeMutableRawPointer(p).assumingMemoryBound(to: UnsafePointer<UInt8>?.self) },
            frame?.pointee.nb_samples ?? 0))
        var take = Int64(n)
        if let maxSamples { take = max(0, min(take, maxSamples - samplesQueued)) }
        guard take > 0 else { return }
        let raw = UnsafeMutableRawPointer(converted.pointer.pointee.extended_data!)
            .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        try check("av_audio_fifo_write", av_audio_fifo_write(fifo.pointer, raw, Int32(take)))
        samplesQueued += take
    }

    private func encodeQueued(final: Bool) throws(VideoIOError) {
        while fifo.count >= frameSize || (final && fifo.count > 0) {
            let n = min(frameSize, fifo.count)
            chunk.unref()
            let c = chunk.pointer
            c.pointee.nb_samples = n
            c.pointee.format = encoder.pointer.pointee.sample_fmt.rawValue
            c.pointee.sample_rate = encoder.pointer.pointee.sample_rate
            try check("av_channel_layout_copy", av_channel_layout_copy(&c.pointee.ch_layout, &encoder.pointer.pointee.ch_layout))
            try check("av_frame_get_buffer(audio chunk)", av_frame_get_buffer(c, 0))
            let raw = UnsafeMutableRawPointer(c.pointee.extended_data!).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
            try check("av_audio_fifo_read", av_audio_fifo_read(fifo.pointer, raw, n))
            c.pointee.pts = nextPts
            nextPts += Int64(n)
            try sendToEncoder(c)
        }
    }

    private func sendToEncoder(_ frame: UnsafeMutablePointer<AVFrame>?) throws(VideoIOError) {
        _ = try codecStep("avcodec_send_frame(audio)", avcodec_send_frame(encoder.pointer, frame))
        while try codecStep("avcodec_receive_packet(audio)", avcodec_receive_packet(encoder.pointer, outPacket.pointer)) == .ok {
            av_packet_rescale_ts(outPacket.pointer, encoder.pointer.pointee.time_base, stream.pointee.time_base)
            outPacket.pointer.pointee.stream_index = stream.pointee.index
            try check("av_interleaved_write_frame(audio)", av_interleaved_write_frame(output.pointer, outPacket.pointer))
        }
    }
}
