import CFFmpeg
import Foundation
import Imaging

extension VideoWriter {
    func configureEncoder() throws(VideoIOError) {
        let c = encoder.pointer
        c.pointee.width = Int32(encodedWidth)
        c.pointee.height = Int32(encodedHeight)
        c.pointee.time_base = config.variableFrameRate ? AVRational(num: 1, den: 90000)
            : AVRational(num: Int32(config.fps.den), den: Int32(config.fps.num))
        c.pointee.framerate = config.fps.av
        c.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        c.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        // RGB is converted with BT.601 coefficients into limited range; say so in the stream.
        c.pointee.color_range = AVCOL_RANGE_MPEG
        c.pointee.colorspace = AVCOL_SPC_SMPTE170M
        c.pointee.color_primaries = AVCOL_PRI_SMPTE170M
        c.pointee.color_trc = AVCOL_TRC_SMPTE170M
        c.pointee.thread_count = Int32(config.threads == 0 ? VideoWriterConfig.defaultThreads : config.threads)
        if (format.pointer.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0 {
            c.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        let crf = config.crf ?? config.codec.defaultCRF
        var options: [String: String] = ["crf": String(crf)]
        if config.codec != .vp9, let tune = config.tune { options["tune"] = tune }  // x264 and x265 only
        switch config.codec {
        case .h264:
            options["preset"] = config.preset
            var params: [String] = []
            if let n = MemoryBudget.encoderLookahead(width: encodedWidth, height: encodedHeight) {
                params.append("rc-lookahead=\(n)")
            }
            // x264 r3095's AVX-512 code reads heap memory it never wrote, so the same frames encoded twice in one
            // process (or on two runs) came out different. Its AVX2 code is bit-exact with the C code; stop there.
            if av_get_cpu_flags() & AV_CPU_FLAG_AVX512 != 0 { params.append("asm=AVX2") }
            if !params.isEmpty { options["x264-params"] = params.joined(separator: ":") }
        case .hevc:
            options["preset"] = config.preset
            options["x265-params"] = "log-level=none"
            if let n = MemoryBudget.encoderLookahead(width: encodedWidth, height: encodedHeight) {
                options["x265-params"] = "log-level=none:rc-lookahead=\(n)"
            }
        case .vp9:
            // libvpx has no presets: map them onto deadline/cpu-used, constant quality mode.
            let speed = [8, 8, 7, 6, 5, 4, 2, 1, 0][VideoWriterConfig.presets.firstIndex(of: config.preset) ?? 5]
            options["deadline"] = speed >= 6 ? "realtime" : "good"
            options["cpu-used"] = String(speed)
            options["b"] = "0"
            options["row-mt"] = "1"
        }
        try encoder.open(options: options)

        let f = yuvFrame.pointer
        f.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        f.pointee.width = Int32(encodedWidth)
        f.pointee.height = Int32(encodedHeight)
        f.pointee.color_range = AVCOL_RANGE_MPEG
        f.pointee.colorspace = AVCOL_SPC_SMPTE170M
        try check("av_frame_get_buffer", av_frame_get_buffer(f, 0))
    }

    func configureStream() throws(VideoIOError) {
        try check("avcodec_parameters_from_context", avcodec_parameters_from_context(stream.pointee.codecpar, encoder.pointer))
        stream.pointee.time_base = encoder.pointer.pointee.time_base
        stream.pointee.avg_frame_rate = config.fps.av
        if config.codec == .hevc {
            stream.pointee.codecpar.pointee.codec_tag = fourCC("hvc1")
        }
        let matrix = config.displayMatrix.flatMap { $0.count == 9 ? $0 : nil }
        if matrix != nil || config.rotation % 360 != 0 {
            let size = 9 * MemoryLayout<Int32>.size
            let raw = try allocated("display matrix", av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, size))
            raw.withMemoryRebound(to: Int32.self, capacity: 9) { m in
                if let matrix { for i in 0..<9 { m[i] = matrix[i] } } else { av_display_rotation_set(m, -Double(config.rotation)) }
            }
        }
    }

    func openFile() throws(VideoIOError) {
        var tags = config.tags
        if padding.right > 0 || padding.bottom > 0 {
            tags["kinema_padding"] = "right=\(padding.right),bottom=\(padding.bottom),source=\(config.width)x\(config.height)"
        }
        for (k, v) in tags.sorted(by: { $0.key < $1.key }) { av_dict_set(&format.pointer.pointee.metadata, k, v, 0) }
        do {
            try format.openIO(path: output.tempPath)
        } catch {
            if case .ffmpeg(_, _, let message) = error {
                throw .outputNotWritable(path: url.path, reason: message)
            }
            throw error
        }
        var options: OpaquePointer? = nil
        let name = String(cString: format.pointer.pointee.oformat.pointee.name)
        if name == "mp4" || name == "mov" {
            av_dict_set(&options, "movflags", "+faststart+use_metadata_tags", 0)
        }
        let rc = avformat_write_header(format.pointer, &options)
        av_dict_free(&options)
        try check("avformat_write_header", rc)
    }

    /// Converts `image` into the reusable YUV frame, padding odd sizes by edge repetition.
    func fillFrame(from image: ByteImage) throws(VideoIOError) {
        let f = yuvFrame.pointer
        try check("av_frame_make_writable", av_frame_make_writable(f))
        let srcFormat: AVPixelFormat
        switch image.channels {
        case 3: srcFormat = AV_PIX_FMT_RGB24
        case 4: srcFormat = AV_PIX_FMT_RGBA
        case 1: srcFormat = AV_PIX_FMT_GRAY8
        default: throw .frameMismatch("\(image.channels) channels (writer takes 1, 3 or 4)")
        }
        let w = Int32(config.width), h = Int32(config.height)
        let sws = try scaler.context(srcW: w, srcH: h, srcFormat: srcFormat, dstW: w, dstH: h, dstFormat: AV_PIX_FMT_YUV420P)
        image.data.withUnsafeBufferPointer { buf in
            let src: [UnsafePointer<UInt8>?] = [buf.baseAddress, nil, nil, nil]
            let srcStride: [Int32] = [Int32(image.width * image.channels), 0, 0, 0]
            var dst: [UnsafeMutablePointer<UInt8>?] = [f.pointee.data.0, f.pointee.data.1, f.pointee.data.2, nil]
            var dstStride: [Int32] = [f.pointee.linesize.0, f.pointee.linesize.1, f.pointee.linesize.2, 0]
            _ = sws_scale(sws, src, srcStride, 0, h, &dst, &dstStride)
        }
        if padding.right > 0 || padding.bottom > 0 { padLuma(f) }
    }

    /// Chroma planes already cover the even size (sws rounds their size up); only luma needs the extra column/row.
    private func padLuma(_ f: UnsafeMutablePointer<AVFrame>) {
        guard let y = f.pointee.data.0 else { return }
        let stride = Int(f.pointee.linesize.0)
        let w = config.width, h = config.height
        if padding.right > 0 {
            for row in 0..<h { y[row * stride + w] = y[row * stride + w - 1] }
        }
        if padding.bottom > 0 {
            (y + h * stride).update(from: y + (h - 1) * stride, count: encodedWidth)
        }
    }

    /// Sends one frame (or `nil` to flush) and writes every packet the encoder hands back.
    func encode(_ frame: UnsafeMutablePointer<AVFrame>?) throws(VideoIOError) {
        var sent = try codecStep("avcodec_send_frame", avcodec_send_frame(encoder.pointer, frame))
        while true {
            let step = try codecStep("avcodec_receive_packet", avcodec_receive_packet(encoder.pointer, packet.pointer))
            if step == .again {
                // The encoder's queue was full when we sent: it has drained now, so send again.
                if sent == .again { sent = try codecStep("avcodec_send_frame", avcodec_send_frame(encoder.pointer, frame)); continue }
                return
            }
            if step == .endOfStream { return }
            av_packet_rescale_ts(packet.pointer, encoder.pointer.pointee.time_base, stream.pointee.time_base)
            packet.pointer.pointee.stream_index = stream.pointee.index
            let seconds = Double(packet.pointer.pointee.dts) * av_q2d(stream.pointee.time_base)
            try audio?.pump(upTo: seconds)
            let rc = av_interleaved_write_frame(format.pointer, packet.pointer)
            try check("av_interleaved_write_frame(video)", rc)
        }
    }
}

/// A big-endian FourCC as FFmpeg's MKTAG builds it (first character in the low byte).
func fourCC(_ s: String) -> UInt32 {
    let b = Array(s.utf8)
    return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
}
