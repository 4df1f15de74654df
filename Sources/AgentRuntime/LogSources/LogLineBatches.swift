import Dispatch

/// The batches of an ``AuditSource``: an `AsyncSequence` over an `AsyncStream` whose reader
/// thread may run at most `capacity` batches ahead of the consumer.
///
/// An `AsyncStream` alone would either grow without bound or drop batches; here every batch
/// taken by the consumer returns one credit to a semaphore the reader thread waits on
/// (``LineHandoff/deliver(_:)``), which gives back-pressure without blocking the consumer's task.
///
/// One consumer: iterate it once, from one task (as an `AsyncStream`).
public struct LogLineBatches: AsyncSequence, Sendable {
    public typealias Element = LogLineBatch
    public typealias Failure = Never

    let stream: AsyncStream<LogLineBatch>
    let credits: DispatchSemaphore

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<LogLineBatch>.AsyncIterator
        let credits: DispatchSemaphore

        public mutating func next() async -> LogLineBatch? {
            let batch = await base.next()
            if batch != nil { credits.signal() }
            return batch
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), credits: credits)
    }
}
