import LibPQ
import Logging
import ServiceLifecycle

/// The continuous detector: judges new events as soon as an ingest commits (LISTEN on
/// `herdwatch_events`, notified by `herdwatch.ingest_commit`), and checks silence and
/// heartbeats at least every `healthInterval`. A failed pass is logged and retried on a fresh
/// connection a second later; the watermark makes retries safe.
public struct DetectorService: Service {
    let conninfo: String
    let detector: Detector
    let healthInterval: Duration
    let logger: Logger
    /// Called after each pass (the service's metrics, tests).
    let onPass: @Sendable (Detector.Progress) -> Void

    public init(
        conninfo: String, detector: Detector, healthInterval: Duration, logger: Logger,
        onPass: @escaping @Sendable (Detector.Progress) -> Void = { _ in }
    ) {
        self.conninfo = conninfo
        self.detector = detector
        self.healthInterval = healthInterval
        self.logger = logger
        self.onPass = onPass
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.loop()
                } catch is CancellationError {
                    return
                } catch {
                    if Task.isCancelled { return }
                    self.logger.error("detector pass failed; retrying in a second", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    private func loop() async throws {
        let listener = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-detect-listen")
        let worker = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-detect")
        try await listener.withSession { try $0.listen("herdwatch_events") }
        logger.info("detector started; waiting for events")
        let detector = detector
        // Short waits, so that cancellation (graceful shutdown) is noticed promptly.
        let slice = min(healthInterval, .milliseconds(500))
        while !Task.isCancelled {
            let progress = try await worker.withSession { try detector.runOnce($0) }
            onPass(progress)
            Self.log(progress, logger)
            var waited = Duration.zero
            while waited < healthInterval, !Task.isCancelled {
                let notes = try await listener.withSession { try $0.waitForNotifications(timeout: slice) }
                if !notes.isEmpty { break }
                waited += slice
            }
        }
    }

    static func log(_ p: Detector.Progress, _ logger: Logger) {
        let found = p.findingsCreated + p.findingsJoined + p.findingsReopened + p.fileIntegrity.findingsCreated
        guard p.chunks > 0 || found > 0 || p.health != HealthCheck.Progress() else { return }
        // A pass that changed no finding is routine: debug, or the log says nothing else.
        let level: Logger.Level = found > 0 || p.health != HealthCheck.Progress() || p.waitingForOpenIngest ? .info : .debug
        logger.log(
            level: level,
            "detector pass",
            metadata: [
                "events.judged": "\(p.judgedEvents)", "events.history": "\(p.historyEvents)", "through_seq": "\(p.throughSeq)",
                "findings.new": "\(p.findingsCreated)", "findings.joined": "\(p.findingsJoined)",
                "findings.reopened": "\(p.findingsReopened)", "alerts.queued": "\(p.alertsQueued)",
                "hosts.silent": "\(p.health.silentHosts)",
            ])
    }
}
