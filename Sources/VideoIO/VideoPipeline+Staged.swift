import Foundation
import Imaging

extension VideoPipeline {
    /// Streams every frame of `reader` through two ordered stages on threads of their own, then into `writer`.
    ///
    /// `analyse` sees each decoded frame once, in order, while `render` works on the frame before it (so a
    /// tracker's network runs beside the compositor). `render` may hold frames back, for a look-ahead filter,
    /// and returns the finished frames it can release (zero or more, in order); `flush` returns what it still
    /// holds once the input ends. The stages finish one frame for each decoded frame, in order. Every finished
    /// frame is written in order (at its source frame's timestamp when the writer is configured with
    /// `variableFrameRate`), then handed to `delivered` on the calling thread with the progress so far. Each stage
    /// closure is called from one thread only, so it may keep state between calls. Errors, and an input with no frame, behave as in `run(reader:writer:...)`.
    ///
    /// - Parameters:
    ///   - queueDepth: items buffered between stages (memory is about 3 × depth frames).
    ///   - image: the picture of a finished item, which is what gets written.
    /// - Throws: the first error from reading, a stage, or writing; `VideoIOError.noFrames` (output discarded)
    ///   when the input yields no frame.
    @discardableResult
    public static func run<Analysed, Finished>(
        reader: VideoReader, writer: VideoWriter, queueDepth: Int = 3,
        analyse: @escaping @Sendable (VideoFrame) throws -> Analysed,
        render: @escaping @Sendable (Analysed) throws -> [Finished],
        flush: @escaping @Sendable () throws -> [Finished],
        image: (Finished) -> ByteImage,
        delivered: (Finished, Progress) -> Void
    ) throws -> Result {
        let start = Date()
        let decoded = BoundedQueue<VideoFrame>(capacity: queueDepth)
        let analysed = BoundedQueue<Analysed>(capacity: max(1, queueDepth - 1))
        let finished = BoundedQueue<Finished>(capacity: queueDepth)
        // Source timestamps in decoding order; the writer takes one for each finished frame. The stages hold a
        // bounded number of frames, so this holds a bounded number of times.
        let times = TimeQueue()
        let followTimestamps = writer.config.variableFrameRate
        let failure = FirstError()
        let group = DispatchGroup()
        let stopAll: @Sendable (any Error) -> Void = { error in
            failure.record(error)
            decoded.cancel(); analysed.cancel(); finished.cancel()
        }

        spawn(group, name: "kinema.decode") {
            do {
                while let frame = try reader.nextFrame() {
                    if followTimestamps { times.append(frame.pts) }
                    guard decoded.push(frame) else { return }
                }
                decoded.close()
            } catch { stopAll(error) }
        }
        spawn(group, name: "kinema.analyse") {
            do {
                while let frame = decoded.pop() { guard analysed.push(try analyse(frame)) else { return } }
                analysed.close()
            } catch { stopAll(error) }
        }
        spawn(group, name: "kinema.render") {
            do {
                while let item = analysed.pop() {
                    for out in try render(item) { guard finished.push(out) else { return } }
                }
                // A cancelled queue also pops nil: flush only after a clean end of input.
                if failure.value != nil { return }
                for out in try flush() { guard finished.push(out) else { return } }
                finished.close()
            } catch { stopAll(error) }
        }

        var written = 0
        let total = reader.metadata.frameCount
        while let out = finished.pop() {
            do {
                if followTimestamps, let pts = times.next() { try writer.write(image(out), at: pts) } else { try writer.write(image(out)) }
            } catch { stopAll(error); break }
            written += 1
            delivered(out, Progress(framesDone: written, framesTotal: max(total, written),
                                    elapsed: Date().timeIntervalSince(start)))
        }
        return try commit(writer: writer, reader: reader, written: written, after: group, failure: failure, start: start)
    }
}
