import LibPQ
import Logging
import ServiceLifecycle

/// A piece of the service that runs every interval on a connection of its own (rollup,
/// partition maintenance, retention, retraining). A failed run is logged and tried again at the
/// next; the connection is made again after a failure.
public struct PeriodicTask: Service {
    public let name: String
    let conninfo: String
    let interval: Duration
    let logger: Logger
    let runAtStart: Bool
    let body: @Sendable (Session, Logger) throws -> Void

    public init(
        name: String, conninfo: String, interval: Duration, runAtStart: Bool = true, logger: Logger,
        body: @escaping @Sendable (Session, Logger) throws -> Void
    ) {
        self.name = name
        self.runAtStart = runAtStart
        self.conninfo = conninfo
        self.interval = interval
        self.logger = logger
        self.body = body
    }

    public func run() async throws {
        var connection: Connection?
        if !runAtStart { await pause() }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if connection == nil {
                    connection = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-\(name)")
                }
                let body = body
                let logger = logger
                try await connection!.withSession { try body($0, logger) }
            } catch {
                connection = nil
                logger.error("\(name) failed; trying again at the next run", metadata: ["error": "\(error)"])
            }
            await pause()
        }
    }

    /// Sleeps until the next run, or returns early on graceful shutdown.
    private func pause() async {
        await cancelWhenGracefulShutdown { try? await Task.sleep(for: self.interval) }
    }
}
