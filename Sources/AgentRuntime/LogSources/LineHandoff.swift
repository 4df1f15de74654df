import Dispatch
import Glibc
import Synchronization
import FleetModel

/// The reader-thread side of a line source: hands batches to ``LogLineBatches`` with
/// back-pressure, keeps the counters, and lets ``stop()`` wake a thread blocked in poll(2)
/// through a self-pipe, so stopping never waits for input or for a poll interval.
/// Shared by the three line sources; the thread itself is a ``ReaderThread`` as in
/// ``NetlinkAuditSource``.
final class LineHandoff: Sendable {
    let batches: LogLineBatches
    private let continuation: AsyncStream<LogLineBatch>.Continuation
    private let credits: DispatchSemaphore
    private let state = Mutex(LogSourceCounters())
    private let stopping = Atomic(false)
    private let thread = Mutex<ReaderThread?>(nil)
    /// Read end of the wake-up pipe: readable once ``stop()`` was called.
    let wakeDescriptor: Int32
    private let wakeWriteDescriptor: Int32

    /// - Parameter capacity: batches the reader may run ahead of the consumer.
    init(capacity: Int) throws(LogSourceError) {
        precondition(capacity > 0, "capacity must be positive")
        switch Syscall.pipe() {
        case .success(let ends): (wakeDescriptor, wakeWriteDescriptor) = ends
        case .failure(let errno): throw LogSourceError(.threadUnavailable, operation: "pipe2", cause: errno)
        }
        // Start at 0 and signal `capacity` times: libdispatch traps when a semaphore is freed
        // with a value below its initial one, which would happen on a stop with batches unread.
        let credits = DispatchSemaphore(value: 0)
        for _ in 0..<capacity { credits.signal() }
        self.credits = credits
        let (stream, continuation) = AsyncStream.makeStream(of: LogLineBatch.self, bufferingPolicy: .unbounded)
        self.continuation = continuation
        batches = LogLineBatches(stream: stream, credits: credits)
        // The consumer went away: stop reading, and wake the reader wherever it waits.
        continuation.onTermination = { [weak self] _ in self?.wakeForStop() }
    }

    deinit {
        Syscall.close(wakeDescriptor)
        Syscall.close(wakeWriteDescriptor)
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    var counters: LogSourceCounters { state.withLock { $0 } }

    func count(_ update: (inout LogSourceCounters) -> Void) {
        state.withLock { update(&$0) }
    }

    /// Starts `body` on the reader thread; when it returns, ``batches`` finishes.
    func start(_ body: @escaping @Sendable () -> Void) throws(LogSourceError) {
        let continuation = continuation
        switch ReaderThread.start({ body(); continuation.finish() }) {
        case .success(let started): thread.withLock { $0 = started }
        case .failure(let errno): throw LogSourceError(.threadUnavailable, operation: "pthread_create", cause: errno)
        }
    }

    private func wakeForStop() {
        stopping.store(true, ordering: .relaxed)
        _ = Syscall.write(wakeWriteDescriptor, [1])
        credits.signal()
    }

    /// Stops the reader thread, waits for it and finishes ``batches``.
    func stop() {
        wakeForStop()
        thread.withLock { $0.take() }?.join()
        continuation.finish()
    }

    /// Records the error that ends the source; the caller then returns from the thread body.
    func fail(_ error: LogSourceError) {
        state.withLock { $0.failure = error }
    }

    /// Hands `batch` over, waiting while the consumer is `capacity` batches behind.
    /// Empty batches are not delivered.
    /// - Returns: false when the source is stopping or the consumer went away.
    func deliver(_ batch: LogLineBatch) -> Bool {
        if batch.lines.isEmpty { return !isStopping }
        while credits.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
            if isStopping { return false }
        }
        if isStopping { return false }
        let cut = batch.lines.count { $0.flags.contains(.cut) }
        let unterminated = batch.lines.count { $0.flags.contains(.unterminated) }
        switch continuation.yield(batch) {
        case .enqueued:
            state.withLock {
                $0.batches += 1
                $0.lines += batch.lines.count
                $0.cutLines += cut
                $0.unterminatedLines += unterminated
            }
            return true
        case .dropped, .terminated: return false
        @unknown default: return false
        }
    }

    /// Waits until `descriptor` is readable, ``stop()`` is called, or `timeout` passes.
    /// - Returns: false when stopping.
    /// - Throws: the `Errno` of poll(2).
    func wait(for descriptors: [Int32], timeout: Duration) throws(Errno) -> Bool {
        if isStopping { return false }
        let milliseconds = Int32(clamping: timeout.inMilliseconds)
        switch Syscall.pollReadable(descriptors + [wakeDescriptor], timeoutMilliseconds: milliseconds) {
        case .success: return !isStopping
        case .failure(let errno): throw errno
        }
    }
}
