import AuditCore
import FleetModel
import LibPQ
import Logging
import Storage

/// `herdwatch-agent replay`: ships recorded audit logs through the same decoder, transforms and
/// encoder as the live agent, straight to ``EventIngest`` (no spool: the file is the buffer).
/// Replaying a file twice stores each event once (the event key; replayed events carry no boot
/// id). A transient database failure is retried with backoff; a refused host is not.
///
/// ```swift
/// let summary = try await LogReplay(conninfo: url, host: .named("web-01"), logger: logger).run(files: ["audit.log"])
/// ```
public struct LogReplay: Sendable {
    public enum Host: Sendable, Hashable {
        /// Every event belongs to this host.
        case named(String)
        /// Each event belongs to the host its records' `node=` names; events without one are skipped.
        case fromNode
    }

    public struct Summary: Sendable, Hashable {
        public var events = 0
        public var malformed = 0
        public var stored = 0
        public var duplicates = 0
        /// Events without a `node=` under ``Host/fromNode``.
        public var withoutNode = 0
        public var futureEvents: UInt64 = 0
        public var bytes = 0
        /// The database refused a host (bound to another login): replay stopped there.
        public var refusedHost: String?
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public var cause: (any Error)?
    }

    let conninfo: String
    let host: Host
    let batchEvents: Int
    let futureSkew: Duration
    let transforms: [EventTransform]
    let retryDelays: [Duration]
    let logger: Logger

    public init(
        conninfo: String, host: Host, batchEvents: Int = 2000, futureSkew: Duration = .seconds(300),
        transforms: [EventTransform] = [],
        retryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(15)],
        logger: Logger
    ) {
        self.conninfo = conninfo
        self.host = host
        self.batchEvents = batchEvents
        self.futureSkew = futureSkew
        self.transforms = transforms
        self.retryDelays = retryDelays
        self.logger = logger
    }

    /// Replays `files` in order.
    /// - Parameter progress: called after every batch with the summary so far.
    /// - Returns: the summary; ``Summary/refusedHost`` is set when the database refused a host.
    /// - Throws: ``Failure`` when a file cannot be read or the database stays unreachable.
    public func run(files: [String], progress: (Summary) -> Void = { _ in }) async throws -> Summary {
        let source: RecordedFileAuditSource
        do {
            source = try RecordedFileAuditSource.start(paths: files)
        } catch {
            throw Failure(description: "cannot read the log: \(error)", cause: error)
        }
        defer { source.stop() }
        var summary = Summary()
        var decoder = AuditLogDecoder()
        let skew = Int64(futureSkew.components.seconds) * 1000
        var encoders: [String: EventBatchEncoder] = [:]
        var full: [String] = []
        var connection: Connection?

        func accept(_ output: AuditLogDecoder.Output) {
            guard case .event(var event) = output else { return }
            for transform in transforms { transform(&event) }
            let name: String
            switch host {
            case .named(let given): name = given
            case .fromNode:
                guard let node = event.node, !node.isEmpty else {
                    summary.withoutNode += 1
                    return
                }
                name = node
            }
            encoders[name, default: EventBatchEncoder(bootID: nil, futureSkewMilliseconds: skew)]
                .append(event, nowMilliseconds: ReaderState.nowMilliseconds())
            if encoders[name]!.eventCount == UInt32(batchEvents) { full.append(name) }
        }

        // One batch is in flight on the connection's thread while the next is decoded and
        // encoded here, so the two cores overlap the agent's work with the server's.
        var inFlight: (host: String, events: UInt32, task: Task<(EventIngest.Outcome, Connection), any Error>)?

        /// Waits for the batch in flight; false when the database refused its host.
        func finishInFlight() async throws -> Bool {
            guard let shipping = inFlight else { return true }
            inFlight = nil
            // The batch runs in a task of its own, which cancelling this one must reach (a
            // retry's sleep, a reconnect).
            let (outcome, open) = try await withTaskCancellationHandler {
                try await shipping.task.value
            } onCancel: {
                shipping.task.cancel()
            }
            connection = open
            if outcome.refused {
                summary.refusedHost = shipping.host
                return false
            }
            summary.events += Int(shipping.events)
            summary.stored += outcome.stored
            summary.duplicates += outcome.duplicates
            summary.malformed = decoder.statistics.malformed
            progress(summary)
            return true
        }

        func ship(_ name: String) async throws -> Bool {
            guard var encoder = encoders[name], encoder.eventCount > 0 else { return true }
            let (payload, count) = encoder.take()
            summary.futureEvents += encoder.futureEvents
            encoder = EventBatchEncoder(bootID: nil, futureSkewMilliseconds: skew)
            encoders[name] = encoder
            guard try await finishInFlight() else { return false }
            let open = connection
            connection = nil
            inFlight = (name, count, Task { try await ingest(payload, host: name, connection: open) })
            return true
        }

        for await batch in source.batches {
            summary.bytes += batch.bytes.count
            for index in batch.lines.indices {
                batch.withLineBytes(index) { line in decoder.lineReceived(line) { accept($0) } }
                while let name = full.popLast() {
                    if try await !ship(name) { return summary }
                }
            }
        }
        if let failure = source.counters.failure { throw Failure(description: "cannot read the log: \(failure)", cause: failure) }
        decoder.streamEnded { accept($0) }
        full.removeAll()
        for name in encoders.keys.sorted() {
            if try await !ship(name) { return summary }
        }
        if try await !finishInFlight() { return summary }
        summary.malformed = decoder.statistics.malformed
        return summary
    }

    /// One batch through ``EventIngest``, reconnecting and retrying on transient failures.
    /// - Parameter connection: the open connection, if any.
    /// - Returns: the outcome and the connection to use for the next batch.
    private func ingest(_ payload: [UInt8], host: String, connection: Connection?) async throws -> (EventIngest.Outcome, Connection) {
        var connection = connection
        var attempt = 0
        while true {
            do {
                let open: Connection
                if let connection {
                    open = connection
                } else {
                    open = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-agent replay")
                    connection = open
                }
                let outcome = try await open.withSession { session in
                    try EventIngest.ingest(encodedRows: payload, hostname: host, machineID: nil, session: session)
                }
                return (outcome, open)
            } catch {
                connection = nil
                let sinkError = PostgresBatchSink.sinkError(error, operation: "ingest")
                guard sinkError.isRetryable, attempt < retryDelays.count else {
                    throw Failure(description: "cannot store events: \(error)", cause: error)
                }
                logger.warning("database unavailable, retrying", metadata: ["retry.delay": "\(retryDelays[attempt])", "error": "\(error)"])
                try await Task.sleep(for: retryDelays[attempt])
                attempt += 1
            }
        }
    }
}
