import CFFmpeg

// Each FFmpeg object has exactly one owner: a final class whose deinit frees it.
// None of these types are public; no AV* type leaves this module.

/// Owns one AVPacket.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>
    init() throws(VideoIOError) { pointer = try allocated("AVPacket", av_packet_alloc()) }
    deinit { var p: UnsafeMutablePointer<AVPacket>? = pointer; av_packet_free(&p) }
    /// Drops the payload so the packet can be reused.
    func unref() { av_packet_unref(pointer) }
}

/// Owns one AVFrame.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>
    init() throws(VideoIOError) { pointer = try allocated("AVFrame", av_frame_alloc()) }
    deinit { var p: UnsafeMutablePointer<AVFrame>? = pointer; av_frame_free(&p) }
    /// Drops the frame's buffers so it can be reused.
    func unref() { av_frame_unref(pointer) }
}

/// Owns one AVCodecContext.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>
    init(codec: UnsafePointer<AVCodec>) throws(VideoIOError) {
        self.codec = codec
        pointer = try allocated("AVCodecContext", avcodec_alloc_context3(codec))
    }
    deinit { var p: UnsafeMutablePointer<AVCodecContext>? = pointer; avcodec_free_context(&p) }

    /// Opens the codec with optional string options (e.g. x264's "crf", "preset").
    func open(options: [String: String] = [:]) throws(VideoIOError) {
        var dict: OpaquePointer? = nil
        for (k, v) in options { av_dict_set(&dict, k, v, 0) }
        let rc = avcodec_open2(pointer, codec, &dict)
        av_dict_free(&dict)
        try check("avcodec_open2(\(String(cString: codec.pointee.name)))", rc)
    }
}

/// Owns an input AVFormatContext (demuxer plus its file).
final class InputFormat {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    init(path: String) throws(VideoIOError) {
        _ = ffmpegLogging
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        let rc = avformat_open_input(&ctx, path, nil, nil)
        guard rc >= 0, let ctx else {
            throw .unrecognisedInput(path: path, reason: ffmpegMessage(rc))
        }
        pointer = ctx
        let info = avformat_find_stream_info(ctx, nil)
        if info < 0 {
            throw VideoIOError.unrecognisedInput(path: path, reason: ffmpegMessage(info))
        }
    }
    deinit { var p: UnsafeMutablePointer<AVFormatContext>? = pointer; avformat_close_input(&p) }

    /// The stream at `index` (caller guarantees `index < nb_streams`).
    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { pointer.pointee.streams[index]! }
    var streamCount: Int { Int(pointer.pointee.nb_streams) }
}

/// Owns an output AVFormatContext (muxer plus its AVIOContext).
final class OutputFormat {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    private var ioOpen = false
    init(path: String, formatName: String?) throws(VideoIOError) {
        _ = ffmpegLogging
        var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
        let rc = avformat_alloc_output_context2(&ctx, nil, formatName, path)
        guard rc >= 0, let ctx else {
            throw .unsupported("no muxer for \(path) (\(ffmpegMessage(rc)))")
        }
        pointer = ctx
    }
    deinit {
        if ioOpen { avio_closep(&pointer.pointee.pb) }
        avformat_free_context(pointer)
    }
    /// Opens the file for writing unless the muxer does its own I/O.
    func openIO(path: String) throws(VideoIOError) {
        if (pointer.pointee.oformat.pointee.flags & AVFMT_NOFILE) != 0 { return }
        try check("avio_open(\(path))", avio_open(&pointer.pointee.pb, path, AVIO_FLAG_WRITE))
        ioOpen = true
    }
    /// Flushes and closes the file (idempotent).
    func closeIO() throws(VideoIOError) {
        guard ioOpen else { return }
        ioOpen = false
        try check("avio_closep", avio_closep(&pointer.pointee.pb))
    }
    /// A new stream owned by the context.
    func newStream() throws(VideoIOError) -> UnsafeMutablePointer<AVStream> {
        try allocated("AVStream", avformat_new_stream(pointer, nil))
    }
}

/// Owns a SwsContext and re-creates it only when the geometry or formats change.
final class Scaler {
    private var context: OpaquePointer? = nil
    private var key: [Int32] = []
    let flags: Int32
    init(flags: Int32 = Int32(SWS_FAST_BILINEAR)) { self.flags = flags }
    deinit { sws_freeContext(context) }

    /// The context for this conversion (cached).
    ///
    /// `yuv709` picks BT.709 coefficients for the YUV side (BT.601 otherwise); the ranges say whether
    /// each side uses full (JPEG) rather than limited (MPEG) range.
    func context(srcW: Int32, srcH: Int32, srcFormat: AVPixelFormat,
                 dstW: Int32, dstH: Int32, dstFormat: AVPixelFormat,
                 yuv709: Bool = false, srcFullRange: Bool = false,
                 dstFullRange: Bool = false, flags: Int32? = nil) throws(VideoIOError) -> OpaquePointer {
        let flags = flags ?? self.flags
        let k = [srcW, srcH, srcFormat.rawValue, dstW, dstH, dstFormat.rawValue,
                 yuv709 ? 1 : 0, srcFullRange ? 1 : 0, dstFullRange ? 1 : 0, flags]
        if let context, k == key { return context }
        sws_freeContext(context)
        context = nil
        guard let made = sws_getContext(srcW, srcH, srcFormat, dstW, dstH, dstFormat, flags, nil, nil, nil) else {
            throw .unsupported("pixel conversion \(pixelFormatName(srcFormat)) → \(pixelFormatName(dstFormat))")
        }
        if yuv709 || srcFullRange || dstFullRange {
            let coefficients = sws_getCoefficients(yuv709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT)
            _ = sws_setColorspaceDetails(made, coefficients, srcFullRange ? 1 : 0, coefficients,
                                         dstFullRange ? 1 : 0, 0, 1 << 16, 1 << 16)
        }
        context = made
        key = k
        return made
    }
}

/// Owns a SwrContext.
final class Resampler {
    let pointer: OpaquePointer
    init(outLayout: UnsafeMutablePointer<AVChannelLayout>, outFormat: AVSampleFormat, outRate: Int32,
         inLayout: UnsafeMutablePointer<AVChannelLayout>, inFormat: AVSampleFormat, inRate: Int32) throws(VideoIOError) {
        var ctx: OpaquePointer? = nil
        try check("swr_alloc_set_opts2", swr_alloc_set_opts2(&ctx, outLayout, outFormat, outRate,
                                                             inLayout, inFormat, inRate, 0, nil))
        pointer = try allocated("SwrContext", ctx)
        let rc = swr_init(pointer)
        if rc < 0 {
            var p: OpaquePointer? = pointer
            swr_free(&p)
            try check("swr_init", rc)
        }
    }
    deinit { var p: OpaquePointer? = pointer; swr_free(&p) }
}

/// Owns an AVAudioFifo.
final class AudioFifo {
    let pointer: OpaquePointer
    init(format: AVSampleFormat, channels: Int32) throws(VideoIOError) {
        pointer = try allocated("AVAudioFifo", av_audio_fifo_alloc(format, channels, 1024))
    }
    deinit { av_audio_fifo_free(pointer) }
    var count: Int32 { av_audio_fifo_size(pointer) }
}

/// FFmpeg's name for a pixel format ("?" when unknown).
func pixelFormatName(_ f: AVPixelFormat) -> String {
    guard let name = av_get_pix_fmt_name(f) else { return "?" }
    return String(cString: name)
}

/// Converts an AVRational.
extension Rational {
    init(_ r: AVRational) { self.init(Int(r.num), Int(r.den)) }
    var av: AVRational { AVRational(num: Int32(num), den: Int32(den)) }
}

/// Spare bytes after a packed destination buffer: libswscale's SIMD writers store whole blocks
/// of pixels, so the last row may spill up to a block past `width * 3` bytes.
let swsOverrun = 256
