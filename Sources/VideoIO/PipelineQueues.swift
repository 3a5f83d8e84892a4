import Foundation

/// A bounded FIFO between two pipeline threads: `push` blocks while full, `pop` while empty.
/// Closing wakes everyone; a closed queue still hands out what it holds.
final class BoundedQueue<Element>: @unchecked Sendable {
    // Invariant: every field is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var items: [Element?] = []   // popped slots are set to nil at once, so frames are freed promptly
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Adds an element; false when the queue was cancelled (the consumer is gone).
    func push(_ item: Element) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Takes the oldest element; nil once the queue is closed and drained, or cancelled.
    func pop() -> Element? {
        condition.lock(); defer { condition.unlock() }
        while items.count - head == 0 && !closed && !cancelled { condition.wait() }
        if cancelled || items.count - head == 0 { return nil }
        let item = items[head].take()!
        head += 1
        if head >= 16 { items.removeFirst(head); head = 0 }
        condition.broadcast()
        return item
    }

    /// No more pushes will come.
    func close() { condition.lock(); closed = true; condition.broadcast(); condition.unlock() }
    /// Stops both ends now, dropping what is queued.
    func cancel() { condition.lock(); cancelled = true; items.removeAll(); head = 0; condition.broadcast(); condition.unlock() }
}

/// Collects results that arrive out of order and releases them in sequence order, holding at most
/// `window` items ahead of the next one due (producers block beyond that).
final class ReorderBuffer<Element>: @unchecked Sendable {
    // Invariant: every field is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var pending: [Int: Element] = [:]
    private var next = 0
    private let window: Int
    private var producersLeft: Int
    private var cancelled = false

    init(window: Int, producers: Int) { self.window = max(1, window); producersLeft = producers }

    /// Stores result number `seq`; false when cancelled.
    func put(_ seq: Int, _ item: Element) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while seq >= next + window && !cancelled { condition.wait() }
        if cancelled { return false }
        pending[seq] = item
        condition.broadcast()
        return true
    }

    /// The next result in order; nil when all producers finished and nothing is left, or cancelled.
    func take() -> Element? {
        condition.lock(); defer { condition.unlock() }
        while pending[next] == nil && producersLeft > 0 && !cancelled { condition.wait() }
        guard !cancelled, let item = pending.removeValue(forKey: next) else { return nil }
        next += 1
        condition.broadcast()
        return item
    }

    /// One producer has no more results.
    func producerDone() { condition.lock(); producersLeft -= 1; condition.broadcast(); condition.unlock() }
    /// Stops everyone now.
    func cancel() { condition.lock(); cancelled = true; pending.removeAll(); condition.broadcast(); condition.unlock() }
}

/// Timestamps handed from the decoding thread to the writing thread, oldest first.
final class TimeQueue: @unchecked Sendable {
    // Invariant: `times` and `head` are only touched with `lock` held.
    private let lock = NSLock()
    private var times: [Double] = []
    private var head = 0
    func append(_ t: Double) { lock.lock(); times.append(t); lock.unlock() }
    /// The oldest timestamp not yet taken; nil when none is left.
    func next() -> Double? {
        lock.lock(); defer { lock.unlock() }
        guard head < times.count else { return nil }
        defer {
            head += 1
            if head >= 64 { times.removeFirst(head); head = 0 }
        }
        return times[head]
    }
}

/// Keeps the first error any pipeline thread reports.
final class FirstError: @unchecked Sendable {
    // Invariant: `error` is only touched with `lock` held.
    private let lock = NSLock()
    private var error: (any Error)?
    func record(_ e: any Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
    var value: (any Error)? { lock.lock(); defer { lock.unlock() }; return error }
}
