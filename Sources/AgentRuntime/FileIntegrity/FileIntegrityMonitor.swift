import FileIntegrity
import Logging
import Synchronization

/// Watches the configured roots: a first scan, then real-time changes through inotify(7),
/// periodic rate-limited full rescans, and periodic scans of directories without a watch.
///
/// All scanning and hashing blocks, so the whole loop runs on one dedicated thread (STYLE.md
/// §5); it reads inotify events itself (the kernel queue is the buffer, and IN_Q_OVERFLOW
/// triggers a full rescan). Each batch of changes is handed to async consumers through
/// ``changes``, an `AsyncStream` buffering at most `bufferedBatches` batches. A batch that does
/// not fit is counted in ``Counters/droppedBatches`` and not committed to the state, and a full
/// rescan soon after reports it again: a slow consumer delays changes but never loses one.
///
/// Usage:
/// ```swift
/// let monitor = try FileIntegrityMonitor(configuration: fim, store: FIMStateStore(directory: stateDir), logger: logger)
/// async let running: Void = monitor.run()
/// for await batch in monitor.changes { ship(batch) }
/// ```
public final class FileIntegrityMonitor: Sendable {
    /// What the monitor has done, for metrics and tests.
    public struct Counters: Hashable, Sendable {
        public var watches = 0
        public var unwatchedDirectories = 0
        public var droppedBatches = 0
        public var queueOverflows = 0
        public var fullRescans = 0
        public var partialRescans = 0
        public var unwatchedRescans = 0
        public var stateSaveFailures = 0
        /// inotify events read while a rate-limited rescan paused (handled after it).
        public var eventsReadDuringRescans = 0
        /// Pauses rate-limited rescans made to hold their MB/s (a rescan is under way).
        public var rescanPauses = 0
    }

    /// Batches of changes: the first scan's inventory (or changes since the stored state), then one batch per rescan.
    public let changes: AsyncStream<[FileChange]>
    let continuation: AsyncStream<[FileChange]>.Continuation
    let configuration: FIMConfiguration
    let store: FIMStateStore
    let logger: Logger
    let wake: WakePipe
    let counters = Mutex(Counters())

    /// - Parameters:
    ///   - configuration: roots are normalized here (realpath(3)).
    ///   - store: where the state is loaded from and saved to.
    ///   - bufferedBatches: how many batches ``changes`` holds for a slow consumer.
    /// - Throws: ``FIMError`` `.rootMissing`, or `Errno` when no pipe can be made.
    public init(configuration: FIMConfiguration, store: FIMStateStore, logger: Logger, bufferedBatches: Int = 64) throws {
        var normalized = configuration
        normalized.paths = try FileIntegrityScanner.normalizedRoots(configuration.paths)
        self.configuration = normalized
        self.store = store
        self.logger = logger
        wake = try WakePipe()
        let stream = AsyncStream.makeStream(of: [FileChange].self, bufferingPolicy: .bufferingOldest(bufferedBatches))
        changes = stream.stream
        continuation = stream.continuation
    }

    public var currentCounters: Counters { counters.withLock { $0 } }

    /// Runs until the task is cancelled, then saves the state and finishes ``changes``.
    ///
    /// Cancellation is seen between scans: a first scan of a large tree finishes before the
    /// monitor stops.
    /// - Throws: ``FIMError`` or ``StateFileError`` when the state cannot be loaded or inotify is unavailable.
    public func run() async throws {
        let thread = Mutex<ReaderThread?>(nil)
        defer { thread.withLock { $0?.join() } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                let started = ReaderThread.start { [self] in
                    let result = Result<Void, any Error> {
                        var loop = MonitorLoop(monitor: self)
                        try loop.run()
                    }
                    continuation.finish()
                    done.resume(with: result)
                }
                switch started {
                case .success(let started):
                    thread.withLock { $0 = started }
                case .failure(let error):
                    continuation.finish()
                    done.resume(throwing: error)
                }
            }
        } onCancel: {
            self.wake.signal()
        }
    }
}
