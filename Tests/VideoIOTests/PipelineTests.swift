import Foundation
import Imaging
import Testing
@testable import VideoIO

/// The threaded read → process → write pipeline.
@Suite struct PipelineTests {
    private func invert(_ img: ByteImage) -> ByteImage {
        var out = img
        for i in 0..<out.data.count { out.data[i] = 255 &- out.data[i] }
        return out
    }

    /// Frames reach `process` in order, one at a time, and come out in order.
    @Test(arguments: [1, 3])
    func framesStayInOrder(_ workers: Int) throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let src = Fixture.clip("face.mp4")
        let reader = try VideoReader(url: src)
        let out = dir.appendingPathComponent("inv.mp4")
        let writer = try VideoWriter(url: out, config: .init(width: 256, height: 256, fps: Rational(25, 1), crf: 14,
                                                            preset: "veryfast"))
        let seen = Locked<[Int]>([])
        let reports = Locked<Int>(0)
        let result = try VideoPipeline.run(reader: reader, writer: writer, workers: workers, process: { f in
            seen.update { $0.append(f.index) }
            return self.invert(f.image)
        }, progress: { p in
            reports.update { $0 += 1 }
            #expect(p.framesDone <= p.framesTotal)
        })
        #expect(result.frames == 64 && reports.value == 64)
        if workers == 1 { #expect(seen.value == Array(0..<64)) } else { #expect(seen.value.sorted() == Array(0..<64)) }
        let original = try Fixture.decodeAll(src)
        let back = try Fixture.decodeAll(out)
        #expect(back.count == 64)
        for i in [0, 31, 63] { #expect(psnr(invert(original[i].image), back[i].image) > 36) }
    }

    struct Boom: Error {}

    @Test func processErrorStopsEverythingAndLeavesNoFile() throws {
        let dir = Fixture.scratch(); defer { Fixture.cleanUp(dir) }
        let reader = try VideoReader(url: Fixture.clip("bikes.mp4"))
        let writer = try VideoWriter(url: dir.appendingPathComponent("o.mp4"),
                                     config: .init(width: 640, height: 272, fps: Rational(25, 1), preset: "ultrafast"))
        #expect(throws: Boom.self) {
            try VideoPipeline.run(reader: reader, writer: writer, process: { f in
                if f.index == 10 { throw Boom() }
                return f.image
            })
        }
        #expect(Fixture.contents(dir).isEmpty)
    }
}

/// A value guarded by a lock, for collecting results from pipeline threads.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ v: T) { stored = v }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ f: (inout T) -> Void) { lock.lock(); f(&stored); lock.unlock() }
}

/// The queues between pipeline stages must not keep frames alive after handing them on,
/// or memory grows with the clip instead of staying at a few frames.
@Suite struct PipelineQueueTests {
    final class Payload: Sendable {}

    @Test func boundedQueueReleasesPoppedItems() {
        let q = BoundedQueue<Payload>(capacity: 4)
        weak var first: Payload?
        do {
            let p = Payload()
            first = p
            #expect(q.push(p))
        }
        for _ in 0..<3 { #expect(q.push(Payload())) }
        #expect(first != nil, "still queued")
        _ = q.pop()
        #expect(first == nil, "popped item must not be retained by the queue")
        q.close()
        var rest = 0
        while q.pop() != nil { rest += 1 }
        #expect(rest == 3)
    }

    @Test func reorderBufferReleasesInOrder() {
        let r = ReorderBuffer<Int>(window: 4, producers: 1)
        #expect(r.put(1, 11) && r.put(0, 10) && r.put(2, 12))
        r.producerDone()
        #expect(r.take() == 10 && r.take() == 11 && r.take() == 12 && r.take() == nil)
    }
}
