import CFFmpeg
import Foundation

extension InputFormat {
    /// Collects what the container and its best video stream say about themselves.
    func metadata(videoIndex: Int) -> VideoMetadata {
        let ctx = pointer.pointee
        let st = stream(videoIndex)
        let par = st.pointee.codecpar.pointee
        var fps = Rational(st.pointee.avg_frame_rate)
        if fps.num <= 0 || fps.den <= 0 { fps = Rational(st.pointee.r_frame_rate) }
        if fps.num <= 0 || fps.den <= 0 { fps = Rational(25, 1) }

        var duration = 0.0
        if ctx.duration != kinema_av_nopts_value() && ctx.duration > 0 {
            duration = Double(ctx.duration) / Double(AV_TIME_BASE)
        } else if st.pointee.duration != kinema_av_nopts_value() && st.pointee.duration > 0 {
            duration = Double(st.pointee.duration) * av_q2d(st.pointee.time_base)
        }
        var frameCount = Int(st.pointee.nb_frames)
        if frameCount <= 0 { frameCount = Int((duration * fps.value).rounded()) }

        var audioCodec: String? = nil
        var audioDuration: Double? = nil
        let audioIndex = av_find_best_stream(pointer, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        if audioIndex >= 0 {
            let ast = stream(Int(audioIndex))
            audioCodec = String(cString: avcodec_get_name(ast.pointee.codecpar.pointee.codec_id))
            if ast.pointee.duration != kinema_av_nopts_value() && ast.pointee.duration > 0 {
                audioDuration = Double(ast.pointee.duration) * av_q2d(ast.pointee.time_base)
            }
        }

        let matrix = displayMatrix(st)
        return VideoMetadata(
            width: Int(par.width), height: Int(par.height), fps: fps, duration: duration,
            frameCount: frameCount, codec: String(cString: avcodec_get_name(par.codec_id)),
            pixelFormat: pixelFormatName(AVPixelFormat(rawValue: par.format)),
            rotation: displayRotation(matrix), hasAudio: audioIndex >= 0, audioCodec: audioCodec,
            tags: readTags(ctx.metadata), audioDuration: audioDuration,
            container: String(cString: ctx.iformat.pointee.name), displayMatrix: matrix)
    }
}

/// The stream's display matrix, 9 entries, when it has one.
func displayMatrix(_ st: UnsafeMutablePointer<AVStream>) -> [Int32]? {
    var size: Int = 0
    guard let raw = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 else { return nil }
    return matrixEntries(raw)
}

/// The 9 entries of the display matrix stored in the (at least) 36 bytes at `raw`.
private func matrixEntries(_ raw: UnsafeMutablePointer<UInt8>) -> [Int32] {
    raw.withMemoryRebound(to: Int32.self, capacity: 9) { Array(UnsafeBufferPointer(start: $0, count: 9)) }
}

/// Counter-clockwise display rotation in whole degrees, 0..<360, of a display matrix (0 when none).
func displayRotation(_ matrix: [Int32]?) -> Int {
    guard let matrix, matrix.count >= 9 else { return 0 }
    let degrees = matrix.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress!) }
    guard degrees.isFinite else { return 0 }
    let whole = Int(degrees.rounded()) % 360
    return whole < 0 ? whole + 360 : whole
}

/// Whether a display matrix mirrors the picture: its 2×2 part has a negative determinant (false when none).
func displayIsMirrored(_ matrix: [Int32]?) -> Bool {
    guard let m = matrix, m.count >= 9 else { return false }
    return Int64(m[0]) * Int64(m[4]) - Int64(m[1]) * Int64(m[3]) < 0
}

/// How a decoded frame is shown, from its display matrix (the JPEG decoder sets one from the EXIF orientation,
/// mirrored ones included); the identity when there is none or it is not axis-aligned.
func displayTransform(_ frame: UnsafeMutablePointer<AVFrame>) -> DisplayTransform {
    guard let side = av_frame_get_side_data(frame, AV_FRAME_DATA_DISPLAYMATRIX), side.pointee.size >= 36,
          let raw = side.pointee.data else { return .identity }
    return DisplayTransform(matrix: matrixEntries(raw)) ?? .identity
}

/// Copies an AVDictionary into a Swift dictionary, keys lowercased (Matroska stores them in capitals).
func readTags(_ dict: OpaquePointer?) -> [String: String] {
    var tags: [String: String] = [:]
    var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
    while let e = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX) {
        tags[String(cString: e.pointee.key).lowercased()] = String(cString: e.pointee.value)
        entry = e
    }
    return tags
}
