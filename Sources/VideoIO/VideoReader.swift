import CFFmpeg
import Foundation
import Imaging

/// Streams the frames of a video file in display order, converted to `rgb24`.
///
/// Any container and codec of the linked FFmpeg build can be read. Variable frame rate is
/// handled by following each frame's own timestamp. A reader is not thread-safe: use it from
/// one thread at a time (`VideoPipeline` hands it to its decode thread). That is the invariant
/// behind `@unchecked Sendable`.
public final class VideoReader: @unchecked Sendable {
    /// What the file says about itself.
    public let metadata: VideoMetadata
    /// The file being read.
    public let url: URL
    /// When true, frames are shown as the stream's display matrix says: turned upright by `metadata.rotation`
    /// (so 90°/270° swap width and height) and mirrored where it mirrors; `metadata` keeps describing the coded
    /// stream. Off by default.
    public var autoRotate = false
    /// When set, frames are resized to this size (bicubic, in the same libswscale pass as the
    /// RGB conversion); `nil` delivers the coded size.
    public var outputSize: (width: Int, height: Int)? {
        didSet {
            if let s = outputSize, s.width <= 0 || s.height <= 0 || s.width > 16384 || s.height > 16384 { outputSize = nil }
        }
    }

    private let input: InputFormat
    private let decoder: CodecContext
    private let videoIndex: Int
    private let display: DisplayTransform
    private let timeBase: AVRational
    private let startPts: Int64
    private let packet: Packet
    private let frame: Frame
    private let scaler = Scaler()
    private var inputDone = false
    private var decoderDone = false
    private var damaged = false
    private var consecutiveReadErrors = 0
    private var framesDelivered = 0
    private var nextIndex = 0
    private var lastPts: Double = -.infinity
    private var skipBefore: Double? = nil
    /// When set, only frames with these indices are delivered (`SegmentWindow.apply(to:)` sets it).
    var frameWindow: Range<Int>? = nil
    private let pool = BufferPool()

    /// Opens `url` and its best video stream.
    ///
    /// - Parameter threads: decoder threads; 0 lets FFmpeg pick one per core.
    /// - Throws: `VideoIOError.fileNotFound`, `.isDirectory`, `.emptyFile`, `.unrecognisedInput`,
    ///   `.noVideoStream`, or `.ffmpeg` when the decoder cannot be opened.
    public init(url: URL, threads: Int = 0) throws(VideoIOError) {
        try checkReadableFile(url)
        self.url = url
        input = try InputFormat(path: url.path)
        let best = av_find_best_stream(input.pointer, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard best >= 0 else { throw .noVideoStream(path: url.path) }
        videoIndex = Int(best)
        // Only the video stream is read; the demuxer then skips other streams' payloads.
        for i in 0..<input.streamCount where i != videoIndex { input.stream(i).pointee.discard = AVDISCARD_ALL }
        let st = input.stream(videoIndex)
        guard let codec = avcodec_find_decoder(st.pointee.codecpar.pointee.codec_id) else {
            throw .unsupported("no decoder for \(String(cString: avcodec_get_name(st.pointee.codecpar.pointee.codec_id)))")
        }
        decoder = try CodecContext(codec: codec)
        try check("avcodec_parameters_to_context", avcodec_parameters_to_context(decoder.pointer, st.pointee.codecpar))
        decoder.pointer.pointee.thread_count = Int32(max(0, threads))
        decoder.pointer.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        decoder.pointer.pointee.pkt_timebase = st.pointee.time_base
        try decoder.open()
        timeBase = st.pointee.time_base
        startPts = st.pointee.start_time == kinema_av_nopts_value() ? 0 : st.pointee.start_time
        packet = try Packet()
        frame = try Frame()
        metadata = input.metadata(videoIndex: videoIndex)
        display = metadata.displayMatrix.flatMap { DisplayTransform(matrix: $0) } ?? .identity
    }

    /// Opens `url`, runs `body` with the reader, and closes it on every exit path.
    /// - Throws: what `init(url:)` or `body` throws.
    public static func open<R>(_ url: URL, _ body: (VideoReader) throws -> R) throws -> R {
        let reader = try VideoReader(url: url)
        return try withExtendedLifetime(reader) { try body(reader) }
    }

    /// Decodes the next frame in display order; `nil` at the end of the stream.
    ///
    /// A damaged or truncated file yields every frame that can be decoded, then throws.
    /// - Throws: `VideoIOError.truncated` when the file ends before its index does;
    ///   `.ffmpeg` on decoder failures.
    public func nextFrame() throws(VideoIOError) -> VideoFrame? {
        while true {
            if let w = frameWindow, nextIndex >= w.upperBound { return nil }
            if decoderDone { return try finishedStream() }
            let received = avcodec_receive_frame(decoder.pointer, frame.pointer)
            // A damaged packet fails here under frame threading; note it and keep decoding.
            if received == kinema_averror_invaliddata() {
                damaged = true
                consecutiveReadErrors += 1
                if consecutiveReadErrors > 64 { decoderDone = true }
                continue
            }
            let step = try codecStep("avcodec_receive_frame", received)
            switch step {
            case .ok:
                defer { frame.unref() }
                consecutiveReadErrors = 0
                let pts = framePts()
                if let skip = skipBefore {
                    if pts < skip { continue }
                    skipBefore = nil
                    nextIndex = Int((pts * metadata.fps.value).rounded())
                }
                if let w = frameWindow, nextIndex < w.lowerBound { nextIndex += 1; continue }
                if let w = frameWindow, nextIndex >= w.upperBound { return nil }
                var image = try convert(frame.pointer)
                if autoRotate && display != .identity {
                    let upright = display.applied(to: image)
                    recycle(image)
                    image = upright
                }
                let out = VideoFrame(image: image, pts: pts, index: nextIndex)
                nextIndex += 1
                framesDelivered += 1
                lastPts = pts
                return out
            case .endOfStream:
                decoderDone = true
            case .again:
                try feedDecoder()
            }
        }
    }

    /// Hands a frame's pixels back for reuse, sparing an allocation (and its page faults) per frame.
    /// Optional; `VideoPipeline` does it after each frame is encoded. Thread-safe.
    public func recycle(_ image: ByteImage) {
        pool.put(image.data, minimumCapacity: image.data.count + swsOverrun)
    }

    /// Seeks so that the next `nextFrame()` returns the first frame at or after `seconds`.
    /// - Throws: `VideoIOError.ffmpeg` when the container cannot seek.
    public func seek(to seconds: Double) throws(VideoIOError) {
        let target = max(0, seconds)
        let ts = startPts + Int64((target / av_q2d(timeBase)).rounded(.down))
        try check("av_seek_frame", av_seek_frame(input.pointer, Int32(videoIndex), ts, AVSEEK_FLAG_BACKWARD))
        avcodec_flush_buffers(decoder.pointer)
        inputDone = false
        decoderDone = false
        consecutiveReadErrors = 0
        lastPts = -.infinity
        // Half a frame of slack so a request for a frame's exact time returns that frame.
        skipBefore = target - 0.5 / max(metadata.fps.value, 1)
    }

    // MARK: - Internals

    private func feedDecoder() throws(VideoIOError) {
        if inputDone {
            _ = try codecStep("avcodec_send_packet(flush)", avcodec_send_packet(decoder.pointer, nil))
            return
        }
        while true {
            let rc = av_read_frame(input.pointer, packet.pointer)
            if rc == kinema_averror_eof() {
                inputDone = true
                return
            }
            if rc < 0 {
                // A truncated file makes every remaining packet fail; read on so the whole
                // index is walked, but give up on a demuxer that repeats the same failure.
                damaged = true
                consecutiveReadErrors += 1
                if consecutiveReadErrors > 64 { inputDone = true; return }
                continue
            }
            consecutiveReadErrors = 0
            defer { packet.unref() }
            guard Int(packet.pointer.pointee.stream_index) == videoIndex else { continue }
            let sent = avcodec_send_packet(decoder.pointer, packet.pointer)
            if sent == kinema_averror_invaliddata() { damaged = true; continue }
            _ = try codecStep("avcodec_send_packet", sent)
            return
        }
    }

    private func finishedStream() throws(VideoIOError) -> VideoFrame? {
        if damaged || indexRunsPastEndOfFile() {
            throw .truncated(path: url.path, framesDecoded: nextIndex, framesExpected: metadata.frameCount)
        }
        return nil
    }

    /// Whether the demuxer's index points at bytes the file does not have.
    private func indexRunsPastEndOfFile() -> Bool {
        let st = input.stream(videoIndex)
        let count = avformat_index_get_entries_count(st)
        guard count > 0, let last = avformat_index_get_entry(st, count - 1) else { return false }
        let end = last.pointee.pos + Int64(last.pointee.size)
        guard let size = fileSize(url.path) else { return false }
        return size > 0 && end > size
    }

    private func framePts() -> Double {
        var ts = frame.pointer.pointee.best_effort_timestamp
        if ts == kinema_av_nopts_value() { ts = frame.pointer.pointee.pts }
        if ts == kinema_av_nopts_value() {
            return lastPts.isFinite ? lastPts + 1 / max(metadata.fps.value, 1) : 0
        }
        return Double(ts - startPts) * av_q2d(timeBase)
    }

    private func convert(_ f: UnsafeMutablePointer<AVFrame>) throws(VideoIOError) -> ByteImage {
        let srcW = Int(f.pointee.width), srcH = Int(f.pointee.height)
        guard srcW > 0, srcH > 0 else { throw .unsupported("decoded frame of size \(srcW)x\(srcH)") }
        let w = outputSize?.width ?? srcW, h = outputSize?.height ?? srcH
        let resizing = w != srcW || h != srcH
        let sws = try scaler.context(srcW: f.pointee.width, srcH: f.pointee.height,
                                     srcFormat: AVPixelFormat(rawValue: f.pointee.format),
                                     dstW: Int32(w), dstH: Int32(h), dstFormat: AV_PIX_FMT_RGB24,
                                     yuv709: f.pointee.colorspace == AVCOL_SPC_BT709,
                                     srcFullRange: f.pointee.color_range == AVCOL_RANGE_JPEG,
                                     flags: resizing ? Int32(SWS_BICUBIC) : nil)
        let need = w * h * 3
        var data = pool.take(count: need) ?? [UInt8](unsafeUninitializedCapacity: need + swsOverrun) { _, count in
            count = need
        }
        // The buffer's capacity covers `swsOverrun` spare bytes past `need` (see BufferPool).
        data.withUnsafeMutableBufferPointer { buffer in
            var dst: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var dstStride: [Int32] = [Int32(w * 3), 0, 0, 0]
            withFramePlanes(f) { src, srcStride in
                _ = sws_scale(sws, src, srcStride, 0, Int32(srcH), &dst, &dstStride)
            }
        }
        return ByteImage(width: w, height: h, channels: 3, data: data)
    }
}

/// Lends a frame's plane pointers and strides in the shape sws_scale wants.
func withFramePlanes<R>(_ f: UnsafeMutablePointer<AVFrame>,
                        _ body: ([UnsafePointer<UInt8>?], [Int32]) -> R) -> R {
    let planes: [UnsafePointer<UInt8>?] = [
        UnsafePointer(f.pointee.data.0), UnsafePointer(f.pointee.data.1),
        UnsafePointer(f.pointee.data.2), UnsafePointer(f.pointee.data.3),
    ]
    let strides = [f.pointee.linesize.0, f.pointee.linesize.1, f.pointee.linesize.2, f.pointee.linesize.3]
    return body(planes, strides)
}
