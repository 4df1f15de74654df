import LibPQ
import Logging
import ServiceLifecycle
import Storage

/// Moves alerts from the outbox to the sinks: for each sink, the outbox rows it has not
/// recorded yet, in id order; held rows (every host under a maintenance window) wait, rows whose
/// window ended after their finding was closed are recorded `dropped`, the rest are delivered
/// and the outcome recorded.
///
/// One dispatcher per sink runs at a time across all replicas (an advisory lock per sink);
/// a replica that finds the lock taken skips that sink for the run.
///
/// ```swift
/// let dispatcher = AlertDispatcher(sinks: sinks, connection: connection, logger: logger)
/// let reports = try await dispatcher.runOnce()         // `herdwatch alerts send`
/// try await dispatcher.run(every: .seconds(5))          // inside `herdwatch serve`
/// ```
public struct AlertDispatcher: Service {
    public let sinks: [any AlertSink]
    let connection: Connection
    let logger: Logger
    /// Outbox rows read per query; a run loops until the sink has nothing left to send.
    var batchSize = 200
    /// The pause between runs of ``run()``.
    public var interval: Duration

    /// What one run did at one sink.
    public struct Report: Sendable, Equatable {
        public var sink: String
        public var delivered = 0
        public var dropped = 0
        public var failed = 0
        /// Alerts a maintenance window still holds.
        public var held = 0
        /// Another dispatcher held the sink's lock: nothing was done.
        public var skipped = false
    }

    /// - Parameters:
    ///   - sinks: where alerts go; none makes every run a no-op.
    ///   - connection: a connection of its own: the sink's lock lives as long as a run.
    ///   - interval: the pause between runs of ``run()``.
    public init(sinks: [any AlertSink], connection: Connection, logger: Logger, interval: Duration = .seconds(5)) {
        self.sinks = sinks
        self.connection = connection
        self.logger = logger
        self.interval = interval
    }

    /// Runs until graceful shutdown or cancellation, once every `interval`. A failed run is
    /// logged and retried at the next; held alerts go out at the first run after their window.
    public func run() async throws {
        await run(every: interval)
    }

    /// The loop of ``run()`` with an explicit interval.
    public func run(every interval: Duration) async {
        logger.info("alert dispatcher started", metadata: ["alert.sinks": "\(sinks.map(\.name).joined(separator: ","))"])
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let reports = try await runOnce()
                for report in reports where report.delivered + report.dropped + report.failed > 0 {
                    logger.debug("alerts dispatched", metadata: report.metadata)
                }
            } catch {
                logger.error("alert dispatch failed; retrying at the next run", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
    }

    /// Sends everything pending at every sink once.
    /// - Returns: one report per sink, in the order of `sinks`.
    /// - Throws: database errors; a sink's delivery failures are outcomes, not errors.
    public func runOnce() async throws -> [Report] {
        var reports: [Report] = []
        for sink in sinks {
            reports.append(try await dispatch(to: sink))
        }
        return reports
    }

    private func dispatch(to sink: any AlertSink) async throws -> Report {
        let name = sink.name
        var report = Report(sink: name)
        guard try await connection.withSession({ try AlertOutboxStore(session: $0).tryLock(sink: name) }) else {
            report.skipped = true
            return report
        }
        do {
            try await deliverPending(to: sink, report: &report)
            try await connection.withSession { try AlertOutboxStore(session: $0).unlock(sink: name) }
        } catch {
            _ = try? await connection.withSession { try AlertOutboxStore(session: $0).unlock(sink: name) }
            throw error
        }
        if report.delivered + report.dropped + report.failed > 0 { await sink.runFinished() }
        return report
    }

    private func deliverPending(to sink: any AlertSink, report: inout Report) async throws {
        let name = sink.name
        let batchSize = self.batchSize
        // Held rows stay pending, so page past them by outbox id rather than re-reading them.
        var afterID: Int64 = 0
        while true {
            let after = afterID
            let batch = try await connection.withSession { session in
                try AlertOutboxStore(session: session).pending(sink: name, afterID: after, limit: batchSize)
            }
            for alert in batch {
                afterID = alert.outboxID
                let delivery: AlertDelivery
                switch alert.hold {
                case .held:
                    report.held += 1
                    continue
                case .endedWithFindingClosed:
                    delivery = AlertDelivery(outcome: .dropped, attempts: 0, error: "maintenance window ended; finding \(alert.status)")
                case .none:
                    delivery = await sink.deliver(alert)
                    // Shutting down mid-retry: leave the row pending for the next start.
                    if Task.isCancelled && delivery.outcome != .delivered { return }
                }
                _ = try await connection.withSession { session in
                    try AlertOutboxStore(session: session).recordDelivery(
                        outboxID: alert.outboxID, sink: name, outcome: delivery.outcome, attempts: delivery.attempts,
                        error: delivery.error)
                }
                switch delivery.outcome {
                case .delivered: report.delivered += 1
                case .dropped: report.dropped += 1
                case .failed: report.failed += 1
                }
            }
            if batch.count < batchSize { return }
        }
    }
}

extension AlertDispatcher.Report {
    var metadata: Logger.Metadata {
        ["alert.sink": "\(sink)", "alert.delivered": "\(delivered)", "alert.dropped": "\(dropped)",
         "alert.failed": "\(failed)", "alert.held": "\(held)"]
    }

    /// "jsonl: 3 delivered, 0 dropped, 0 failed, 1 held"
    public var summary: String {
        skipped
            ? "\(sink): skipped (another dispatcher is sending to this sink)"
            : "\(sink): \(delivered) delivered, \(dropped) dropped, \(failed) failed, \(held) held"
    }
}
