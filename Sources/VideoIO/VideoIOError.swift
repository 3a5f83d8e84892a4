/// Everything that can go wrong reading or writing video and image files.
///
/// `description` is one human-readable line; the CLI prints it after `kinema: error: `.
public enum VideoIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input path does not exist.
    case fileNotFound(path: String)
    /// The input path is a directory, not a file.
    case isDirectory(path: String)
    /// The input file has zero bytes.
    case emptyFile(path: String)
    /// FFmpeg could not recognise the input as a media file it can read.
    case unrecognisedInput(path: String, reason: String)
    /// The input has no video stream.
    case noVideoStream(path: String)
    /// The input ended before all the frames its index promises (a truncated or damaged file).
    case truncated(path: String, framesDecoded: Int, framesExpected: Int)
    /// An FFmpeg call failed: the call's name, its return code and FFmpeg's message for it.
    case ffmpeg(call: String, code: Int32, message: String)
    /// An FFmpeg allocation returned NULL.
    case allocationFailed(what: String)
    /// The output would overwrite one of the inputs.
    case outputIsInput(path: String)
    /// The output cannot be created where asked.
    case outputNotWritable(path: String, reason: String)
    /// A codec, container or image format that this build cannot handle.
    case unsupported(String)
    /// A configuration value is out of range.
    case invalidConfiguration(String)
    /// A frame handed to the writer does not match the configured size or layout.
    case frameMismatch(String)
    /// The writer was used after `finish()` or after a failure.
    case writerClosed
    /// The input's video stream yielded no decodable frame, so there is nothing to write.
    case noFrames(path: String)
    /// The job would need more memory than `MemoryBudget.limit` (detail names size, estimate and limit).
    case overMemoryBudget(path: String, detail: String)

    /// One line for humans (the CLI prints it after `kinema: error: `).
    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): no such file"
        case .isDirectory(let p): return "\(p): is a directory, not a video file"
        case .emptyFile(let p): return "\(p): file is empty"
        case .unrecognisedInput(let p, let r): return "\(p): not a readable media file (\(r))"
        case .noVideoStream(let p): return "\(p): has no video stream"
        case .truncated(let p, let got, let want):
            return "\(p): file is truncated or damaged: decoded \(got) of \(want) frames"
        case .ffmpeg(let call, let code, let msg): return "\(call) failed: \(msg) (code \(code))"
        case .allocationFailed(let what): return "out of memory allocating \(what)"
        case .outputIsInput(let p): return "\(p): output would overwrite an input; choose another output path"
        case .outputNotWritable(let p, let r): return "\(p): cannot write output (\(r))"
        case .unsupported(let what): return "unsupported: \(what)"
        case .invalidConfiguration(let what): return "invalid configuration: \(what)"
        case .frameMismatch(let what): return "frame mismatch: \(what)"
        case .writerClosed: return "video writer used after finish() or after a failure"
        case .noFrames(let p): return "\(p): no decodable video frames"
        case .overMemoryBudget(let p, let detail): return "\(p): too large: \(detail)"
        }
    }
}
