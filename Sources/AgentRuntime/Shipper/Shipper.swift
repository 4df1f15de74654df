import Logging
import ServiceLifecycle
import Synchronization

/// Ships batches to a ``BatchSink``, through the ``DiskSpool`` when the sink fails: the thin
/// owner that runs ``Shipper/StateMachine`` actions.
///
/// Producers hand batches to ``Input/submit(_:)``, which never waits: the input buffer holds
/// `inputCapacity` batches, and a batch that does not fit is dropped and counted (the audit
/// reader must never block; the buffer drains as fast as the spool writes, so this happens only
/// when the disk itself stalls).
///
/// Shutdown: on graceful shutdown (SIGTERM through the ServiceGroup) or when the input ends,
/// the machine stops replay, stores what it holds in the sink or the spool, and `run()`
/// returns. Put the shipper first in the ServiceGroup so that it stops after the readers that
/// feed it. This loop does not use `cancelOnGracefulShutdown()`: graceful shutdown is an input
/// of the machine (it must flush), not a cancellation. Cancellation stops at once; batches then
/// held in memory are not checkpointed, so a reader that resumes from its checkpoint
/// produces them again.
///
/// ```swift
/// let (shipper, input) = Shipper.make(configuration, sink: sink, logger: logger) { position in
///     checkpoint.store(position)
/// }
/// let group = ServiceGroup(services: [shipper, auditReader], gracefulShutdownSignals: [.sigterm], logger: logger)
/// input.submit(batch)
/// ```
public struct Shipper: Service {
    public struct Configuration: Sendable {
        public var spool: DiskSpool.Configuration
        public var machine: StateMachine.Configuration
        /// Batches waiting between the producers and the run loop.
        public var inputCapacity: Int

        public init(spool: DiskSpool.Configuration, machine: StateMachine.Configuration = .init(), inputCapacity: Int = 64) {
            self.spool = spool
            self.machine = machine
            self.inputCapacity = inputCapacity
        }
    }

    /// Where producers hand over batches; `Sendable`, copy it to every producer.
    public struct Input: Sendable {
        let continuation: AsyncStream<ShipBatch>.Continuation
        let statistics: Statistics

        /// Queues a batch for shipping without waiting.
        /// - Returns: `false` when the input buffer was full and the batch was dropped (counted
        ///   in ``Statistics/Snapshot/inputDroppedBatches``) or the shipper has stopped.
        @discardableResult
        public func submit(_ batch: ShipBatch) -> Bool {
            switch continuation.yield(batch) {
            case .enqueued: return true
            case .dropped(let dropped):
                statistics.update {
                    $0.inputDroppedBatches += 1
                    $0.inputDroppedEvents += UInt64(dropped.eventCount)
                }
                return false
            case .terminated: return false
            @unknown default: return false
            }
        }

        /// No more batches: the shipper stores what it holds and finishes, as on shutdown.
        public func finish() { continuation.finish() }
    }

    /// Counters for health reporting and tests, shared with whoever reads them.
    public final class Statistics: Sendable {
        public struct Snapshot: Hashable, Sendable {
            /// Batches the run loop took from the input: a producer that may wait (a log file
            /// reader) compares it with what it submitted to stay within the input's capacity.
            public var receivedBatches: UInt64 = 0
            public var shippedBatches: UInt64 = 0
            public var shippedEvents: UInt64 = 0
            public var spooledBatches: UInt64 = 0
            public var replayedBatches: UInt64 = 0
            public var failedCopies: UInt64 = 0
            /// Refused for good by the sink (``BatchSinkError/Code/rejected``).
            public var rejectedBatches: UInt64 = 0
            public var rejectedEvents: UInt64 = 0
            /// Dropped because the input buffer was full.
            public var inputDroppedBatches: UInt64 = 0
            public var inputDroppedEvents: UInt64 = 0
            /// Lost because the spool could not be written (I/O error).
            public var spoolFailedBatches: UInt64 = 0
            public var spoolFailedEvents: UInt64 = 0
            /// The spool's persisted loss counters (full spool, corruption, torn tails).
            public var spool = SpoolCounters()
            public var spoolBytes = 0
            /// The newest source position stored in the sink or the spool.
            public var checkpoint: [UInt8]?
            public var running = false
            public var finished = false
        }

        let state = Mutex(Snapshot())

        public init() {}

        public var snapshot: Snapshot { state.withLock { $0 } }

        func update(_ body: (inout Snapshot) -> Void) {
            state.withLock { body(&$0) }
        }
    }

    let configuration: Configuration
    let sink: any BatchSink
    let batches: AsyncStream<ShipBatch>
    let logger: Logger
    let checkpoint: @Sendable ([UInt8]) -> Void
    public let statistics: Statistics

    /// Builds a shipper and the input its producers use.
    /// - Parameters:
    ///   - checkpoint: called with a source position once every batch up to it is in the sink
    ///     or the spool; the reader may resume from there after a restart.
    public static func make(
        _ configuration: Configuration, sink: any BatchSink, logger: Logger,
        checkpoint: @escaping @Sendable ([UInt8]) -> Void = { _ in }
    ) -> (Shipper, Input) {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ShipBatch.self, bufferingPolicy: .bufferingOldest(configuration.inputCapacity)
        )
        let statistics = Statistics()
        let shipper = Shipper(
            configuration: configuration, sink: sink, batches: stream, logger: logger, checkpoint: checkpoint,
            statistics: statistics
        )
        return (shipper, Input(continuation: continuation, statistics: statistics))
    }
}
