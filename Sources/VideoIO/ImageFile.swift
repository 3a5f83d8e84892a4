import CFFmpeg
import Foundation
import Imaging

/// Reads and writes PNG and JPEG still images through libavcodec (no other image library).
public enum ImageFile {
    /// Decodes a PNG or JPEG file to packed 8-bit sRGB (`rgb24`; alpha is dropped), upright: a JPEG whose EXIF
    /// orientation turns or mirrors it (as phones store portrait and front-camera photos) is shown as it says.
    /// - Throws: `VideoIOError.fileNotFound`, `.isDirectory`, `.emptyFile`, `.unsupported` for other
    ///   formats, `.unrecognisedInput` for damaged data.
    public static func read(_ url: URL) throws(VideoIOError) -> ByteImage {
        try checkReadableFile(url)
        _ = ffmpegLogging
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw .unrecognisedInput(path: url.path, reason: error.localizedDescription)
        }
        let codecId: AVCodecID
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            codecId = AV_CODEC_ID_PNG
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            codecId = AV_CODEC_ID_MJPEG
        } else {
            throw .unsupported("\(url.path) is neither PNG nor JPEG")
        }
        guard let codec = avcodec_find_decoder(codecId) else { throw .unsupported("image decoder missing") }
        let decoder = try CodecContext(codec: codec)
        try decoder.open()
        let packet = try Packet()
        try check("av_new_packet", av_new_packet(packet.pointer, Int32(bytes.count)))
        bytes.withUnsafeBufferPointer { packet.pointer.pointee.data.update(from: $0.baseAddress!, count: $0.count) }
        let frame = try Frame()
        let invalid: (Int32) -> VideoIOError = { .unrecognisedInput(path: url.path, reason: ffmpegMessage($0)) }
        var rc = avcodec_send_packet(decoder.pointer, packet.pointer)
        if rc < 0 { throw invalid(rc) }
        _ = avcodec_send_packet(decoder.pointer, nil)
        rc = avcodec_receive_frame(decoder.pointer, frame.pointer)
        if rc < 0 { throw invalid(rc) }
        let f = frame.pointer
        let w = Int(f.pointee.width), h = Int(f.pointee.height)
        guard w > 0, h > 0, w <= 32768, h <= 32768 else {
            throw .unrecognisedInput(path: url.path, reason: "image size \(w)x\(h)")
        }
        let scaler = Scaler(flags: Int32(SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT))
        let sws = try scaler.context(srcW: f.pointee.width, srcH: f.pointee.height,
                                     srcFormat: AVPixelFormat(rawValue: f.pointee.format),
                                     dstW: f.pointee.width, dstH: f.pointee.height, dstFormat: AV_PIX_FMT_RGB24)
        let data = [UInt8](unsafeUninitializedCapacity: w * h * 3 + swsOverrun) { buffer, count in
            var dst: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var dstStride: [Int32] = [Int32(w * 3), 0, 0, 0]
            withFramePlanes(f) { src, stride in _ = sws_scale(sws, src, stride, 0, Int32(h), &dst, &dstStride) }
            count = w * h * 3
        }
        return displayTransform(f).applied(to: ByteImage(width: w, height: h, channels: 3, data: data))
    }

    /// Encodes `image` (1, 3 or 4 channels) as PNG or JPEG, chosen by the extension
    /// (`.png`, `.jpg`, `.jpeg`). The file appears atomically: it is written beside the target under a
    /// hidden temporary name and renamed, so a failure or Ctrl-C leaves nothing.
    ///
    /// - Parameters:
    ///   - quality: JPEG quality 1...100 (ignored for PNG).
    ///   - label: text stored in the file (PNG `tEXt` "Comment", JPEG `COM`), such as a synthetic-media
    ///     notice; printable ASCII, others become `?`. Read it back with `readLabel(_:)`.
    ///   - inputs: files the image must not overwrite (checked by file identity).
    /// - Throws: `VideoIOError.unsupported` for other extensions or channel counts, `.outputIsInput`,
    ///   `.outputNotWritable` (with the system's reason, e.g. a full disk), `.ffmpeg` on encoder failure.
    public static func write(_ image: ByteImage, to url: URL, quality: Int = 92, label: String? = nil,
                             inputs: [URL] = []) throws(VideoIOError) {
        let ext = url.pathExtension.lowercased()
        let jpeg = ext == "jpg" || ext == "jpeg"
        guard jpeg || ext == "png" else { throw .unsupported("image extension '.\(ext)' (use .png, .jpg or .jpeg)") }
        guard image.width > 0, image.height > 0, image.data.count >= image.width * image.height * image.channels else {
            throw .frameMismatch("empty or short image")
        }
        let srcFormat: AVPixelFormat
        switch image.channels {
        case 1: srcFormat = AV_PIX_FMT_GRAY8
        case 3: srcFormat = AV_PIX_FMT_RGB24
        case 4: srcFormat = AV_PIX_FMT_RGBA
        default: throw .unsupported("\(image.channels)-channel image")
        }
        _ = ffmpegLogging
        let output = try AtomicOutput(target: url, inputs: inputs)
        var encoded = try encode(image, srcFormat: srcFormat, jpeg: jpeg, quality: quality)
        if let label { encoded = try ImageLabel.embed(label, in: encoded, jpeg: jpeg) }
        do throws(SystemError) { try writeFile(output.tempPath, encoded) } catch {
            output.discard()
            throw .outputNotWritable(path: url.path, reason: error.reason)
        }
        try output.commit()
    }

    /// The label stored by `write(_:to:label:)` (or any PNG `tEXt` "Comment" / first JPEG `COM`), nil if none.
    /// - Throws: the errors of reading a file (`.fileNotFound`, `.emptyFile`, ...).
    public static func readLabel(_ url: URL) throws(VideoIOError) -> String? {
        try checkReadableFile(url)
        do { return ImageLabel.read([UInt8](try Data(contentsOf: url))) } catch {
            throw .unrecognisedInput(path: url.path, reason: "cannot read")
        }
    }

    private static func encode(_ image: ByteImage, srcFormat: AVPixelFormat, jpeg: Bool,
                               quality: Int) throws(VideoIOError) -> [UInt8] {
        guard let codec = avcodec_find_encoder(jpeg ? AV_CODEC_ID_MJPEG : AV_CODEC_ID_PNG) else {
            throw .unsupported("image encoder missing")
        }
        let pixFmt: AVPixelFormat = jpeg ? (image.channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_YUVJ444P) : srcFormat
        let encoder = try CodecContext(codec: codec)
        let e = encoder.pointer
        e.pointee.width = Int32(image.width)
        e.pointee.height = Int32(image.height)
        e.pointee.pix_fmt = pixFmt
        e.pointee.time_base = AVRational(num: 1, den: 1)
        let qscale = Int32(max(1, min(31, Int((31.0 - Double(min(max(quality, 1), 100)) / 100.0 * 30.0).rounded()))))
        // Bit-exact: no encoder-version comment (the label is the only one) and the same bytes on every run.
        e.pointee.flags |= AV_CODEC_FLAG_BITEXACT
        if jpeg {
            e.pointee.flags |= AV_CODEC_FLAG_QSCALE
            e.pointee.global_quality = qscale * kinema_ff_qp2lambda()
            e.pointee.color_range = AVCOL_RANGE_JPEG
            e.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)  // square pixels: the encoder writes JFIF APP0
        }
        try encoder.open()
        let frame = try Frame()
        let f = frame.pointer
        f.pointee.format = pixFmt.rawValue
        f.pointee.width = Int32(image.width)
        f.pointee.height = Int32(image.height)
        f.pointee.pts = 0
        if jpeg { f.pointee.quality = e.pointee.global_quality; f.pointee.color_range = AVCOL_RANGE_JPEG }
        try check("av_frame_get_buffer", av_frame_get_buffer(f, 0))
        let scaler = Scaler(flags: Int32(SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP))
        let sws = try scaler.context(srcW: f.pointee.width, srcH: f.pointee.height, srcFormat: srcFormat,
                                     dstW: f.pointee.width, dstH: f.pointee.height, dstFormat: pixFmt)
        image.data.withUnsafeBufferPointer { buf in
            let src: [UnsafePointer<UInt8>?] = [buf.baseAddress, nil, nil, nil]
            let srcStride: [Int32] = [Int32(image.width * image.channels), 0, 0, 0]
            var dst: [UnsafeMutablePointer<UInt8>?] = [f.pointee.data.0, f.pointee.data.1, f.pointee.data.2, nil]
            var dstStride: [Int32] = [f.pointee.linesize.0, f.pointee.linesize.1, f.pointee.linesize.2, 0]
            _ = sws_scale(sws, src, srcStride, 0, f.pointee.height, &dst, &dstStride)
        }
        let packet = try Packet()
        var out: [UInt8] = []
        _ = try codecStep("avcodec_send_frame(image)", avcodec_send_frame(e, f))
        _ = try codecStep("avcodec_send_frame(image flush)", avcodec_send_frame(e, nil))
        while try codecStep("avcodec_receive_packet(image)", avcodec_receive_packet(e, packet.pointer)) == .ok {
            out.append(contentsOf: UnsafeBufferPointer(start: packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size)))
            packet.unref()
        }
        return out
    }
}
