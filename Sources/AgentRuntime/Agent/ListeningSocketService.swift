import Logging
import ServiceLifecycle

/// Ships what listens on this host at start and then every `interval`, read from /proc
/// (`ListeningSocketSnapshot`), so daemons started before the agent, whose bind and listen the
/// audit rules never saw, are known to the learner too.
public struct ListeningSocketService: Service {
    let interval: Duration
    let events: AuditReader.SynthesizedEvents
    let procRoot: String
    let logger: Logger

    public init(interval: Duration, events: AuditReader.SynthesizedEvents, procRoot: String = "/proc", logger: Logger) {
        self.interval = interval
        self.events = events
        self.procRoot = procRoot
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let procRoot = self.procRoot
            // Reading /proc blocks: keep it off the cooperative pool.
            let snapshot = await withTaskExecutorPreference(BlockingIOExecutor.shared) {
                ListeningSocketSnapshot.take(procRoot: procRoot)
            }
            let now = ReaderState.nowMilliseconds()
            var dropped = 0
            for event in snapshot.events(timestampMilliseconds: now, node: nil) where !events.submit(event) {
                dropped += 1
            }
            logger.debug("listening sockets shipped", metadata: ["sockets.count": "\(snapshot.sockets.count)", "sockets.dropped": "\(dropped)"])
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
