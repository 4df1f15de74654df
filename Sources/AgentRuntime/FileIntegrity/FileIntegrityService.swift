import FileIntegrity
import Logging
import ServiceLifecycle

/// `herdwatch-agent run`'s file integrity: runs a ``FileIntegrityMonitor`` over the `fim`
/// section and hands every batch of changes (the first scan's inventory included) to the
/// reader as `fim` event rows (``FileChangeEvents``), so they share the audit events'
/// batches, spool and shipper.
///
/// It feeds the reader, so it stands after the reader in the service group and stops before it.
public struct FileIntegrityService: Service {
    let configuration: FIMConfiguration
    let stateDirectory: String
    let rows: AuditReader.SynthesizedRows
    let logger: Logger

    public init(configuration: FIMConfiguration, stateDirectory: String, rows: AuditReader.SynthesizedRows, logger: Logger) {
        self.configuration = configuration
        self.stateDirectory = stateDirectory
        self.rows = rows
        self.logger = logger
    }

    public func run() async throws {
        let monitor = try FileIntegrityMonitor(
            configuration: configuration, store: FIMStateStore(directory: stateDirectory), logger: logger)
        logger.info("file integrity started", metadata: ["fim.roots": "\(configuration.paths.count)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await monitor.run() }
            // Each batch gets its own time, strictly later than the one before, so no two
            // batches share an event key (FileChangeEvents).
            var lastTime: Int64 = 0
            for await batch in monitor.changes.cancelOnGracefulShutdown() {
                let now = max(ReaderState.nowMilliseconds() * 1000, lastTime + 1)
                lastTime = now
                let encoded = FileChangeEvents.rows(batch, scanTimeMicroseconds: now)
                // A reader that already ended (standard input at its end) takes nothing more:
                // stop waiting at shutdown.
                await cancelWhenGracefulShutdown { await rows.send(encoded) }
                logger.debug("file changes handed to the shipper", metadata: ["fim.changes": "\(batch.count)"])
            }
            group.cancelAll()
            try await group.waitForAll()
        }
    }
}
