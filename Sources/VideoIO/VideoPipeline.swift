import Foundation
import Imaging

/// Runs read → process → write with the three stages on separate threads joined by bounded queues,
/// so decoding, processing and encoding overlap while memory stays flat.
public enum VideoPipeline {
    /// Where a running pipeline stands; handed to the progress callback after each written frame.
    public struct Progress: Sendable {
        /// Frames written so far.
        public var framesDone: Int
        /// Frames expected in total (the reader's estimate; may be off for damaged or VFR files).
        public var framesTotal: Int
        /// Seconds since the pipeline started.
        public var elapsed: Double
        /// Mean frames per second so far.
        public var fps: Double { elapsed > 0 ? Double(framesDone) / elapsed : 0 }
        /// Estimated seconds left, when it can be estimated.
        public var eta: Double? {
            guard fps > 0, framesTotal > framesDone else { return nil }
            return Double(framesTotal - framesDone) / fps
        }
    }

    /// What a finished run did.
    public struct Result: Sendable {
        /// Frames written.
        public var frames: Int
        /// Wall-clock seconds the run took.
        public var seconds: Double
        /// Frames per second over the whole run.
        public var fps: Double { seconds > 0 ? Double(frames) / seconds : 0 }
    }

    /// Streams every frame of `reader` through `process` into `writer`, then finishes the writer.
    ///
    /// With `workers == 1` (the default) `process` is called on one thread with frames strictly in
    /// order, so it may keep state between frames (temporal filters, trackers). With `workers > 1`,
    /// up to that many frames are processed concurrently (stateless processing only); frames are
    /// always written in order. A writer configured with `variableFrameRate` receives each frame's
    /// source timestamp (so VFR input keeps its timing); otherwise frames go on the `1/fps` grid. Any error stops all stages, cancels the writer (no output file is
    /// left) and is rethrown.
    ///
    /// - Parameters:
    ///   - queueDepth: frames buffered between stages (memory is about 3 × depth frames).
    ///   - progress: called on the writing thread after each frame.
    /// - Throws: the first error from reading, `process`, or writing; `VideoIOError.noFrames` (output discarded)
    ///   when the input yields no frame.
    @discardableResult
    public static func run(reader: VideoReader, writer: VideoWriter, workers: Int = 1, queueDepth: Int = 4,
                           process: @escaping @Sendable (VideoFrame) throws -> ByteImage,
                           progress: (@Sendable (Progress) -> Void)? = nil) throws -> Result {
        let start = Date()
        let workers = max(1, workers)
        let decoded = BoundedQueue<(Int, VideoFrame)>(capacity: queueDepth)
        let processed = ReorderBuffer<(ByteImage, Double)>(window: queueDepth + workers, producers: workers)
        let failure = FirstError()
        let group = DispatchGroup()
        let stopAll: @Sendable (any Error) -> Void = { error in
            failure.record(error)
            decoded.cancel()
            processed.cancel()
        }

        spawn(group, name: "kinema.decode") {
            var seq = 0
            do {
                while let frame = try reader.nextFrame() {
                    guard decoded.push((seq, frame)) else { return }
                    seq += 1
                }
                decoded.close()
            } catch { stopAll(error) }
        }
        for w in 0..<workers {
            spawn(group, name: "kinema.process.\(w)") {
                defer { processed.producerDone() }
                while let (seq, frame) = decoded.pop() {
                    do {
                        let image = try process(frame)
                        guard processed.put(seq, (image, frame.pts)) else { return }
                    } catch { stopAll(error); return }
                }
            }
        }

        var written = 0
        let total = reader.metadata.frameCount
        let followTimestamps = writer.config.variableFrameRate
        while let (image, pts) = processed.take() {
            do {
                if followTimestamps { try writer.write(image, at: pts) } else { try writer.write(image) }
            } catch { stopAll(error); break }
            reader.recycle(image)
            written += 1
            progress?(Progress(framesDone: written, framesTotal: max(total, written),
                               elapsed: Date().timeIntervalSince(start)))
        }
        return try commit(writer: writer, reader: reader, written: written, after: group, failure: failure, start: start)
    }

    /// Waits for the stage threads, then commits the output, or discards it on the first error or when no
    /// frame was written (never an empty file: a stream with no decodable frame is an error, not a zero-frame video).
    static func commit(writer: VideoWriter, reader: VideoReader, written: Int, after group: DispatchGroup,
                       failure: FirstError, start: Date) throws -> Result {
        group.wait()
        if let error = failure.value {
            writer.cancel()
            throw error
        }
        guard written > 0 else {
            writer.cancel()
            throw VideoIOError.noFrames(path: reader.url.path)
        }
        try writer.finish()
        return Result(frames: written, seconds: Date().timeIntervalSince(start))
    }

    static func spawn(_ group: DispatchGroup, name: String, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.name = name
        thread.start()
    }
}
