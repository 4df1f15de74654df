import AsyncAlgorithms
import FleetModel
import Glibc
import LibPQ
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// Every interval, records the agent's health through `herdwatch.agent_heartbeat` on a
/// connection of its own: version, config and rules digests, the kernel's audit state and
/// counters, the decoder's and the shipper's counters, the agent's pid (keys listed in
/// ops/agent.yaml). On graceful shutdown it sends one last report with `"stopping":true`.
/// A failed heartbeat is logged and the next one tries again; the service never ends the agent.
public struct HeartbeatService: Service {
    let conninfo: String
    let identity: HostIdentity
    let interval: Duration
    let statistics: AgentStatistics
    let shipperStatistics: Shipper.Statistics
    let startedAt: Int64
    /// Whether to read the kernel's audit status and rules (netlink sources); the log-file and
    /// stdin sources need no audit capability, and report none.
    let readsKernel: Bool
    let logger: Logger

    public init(
        conninfo: String, identity: HostIdentity, interval: Duration, statistics: AgentStatistics,
        shipperStatistics: Shipper.Statistics, readsKernel: Bool, logger: Logger
    ) {
        self.readsKernel = readsKernel
        self.conninfo = conninfo
        self.identity = identity
        self.interval = interval
        self.statistics = statistics
        self.shipperStatistics = shipperStatistics
        self.startedAt = ReaderState.nowMilliseconds() / 1000
        self.logger = logger
    }

    public func run() async throws {
        var connection: Connection?
        var refusedLogged = false
        // The first heartbeat right away, then one per interval.
        let ticks = chain([()].async, AsyncTimerSequence(interval: interval, clock: .continuous).map { _ in () })
        for try await _ in ticks.cancelOnGracefulShutdown() {
            let outcome = await send(stopping: false, over: connection)
            connection = outcome.connection
            if outcome.refused && !refusedLogged {
                logger.error(
                    "the database refused this host's heartbeat: the host name is bound to another agent login; an operator must act",
                    metadata: ["host.name": "\(identity.hostname)"])
                refusedLogged = true
            }
        }
        // Graceful shutdown: one last report saying so, so the service can tell an agent that was
        // stopped from one that went silent. Best effort, and shutdown waits for it only briefly.
        guard !Task.isCancelled else { return }
        let last = connection
        let sent = await Self.finishes(within: Self.stoppingTimeout) { _ = await send(stopping: true, over: last) }
        if !sent { logger.warning("last heartbeat not sent in time") }
    }

    /// How long shutdown waits for the last heartbeat.
    static let stoppingTimeout: Duration = .seconds(2)

    /// Records one report, connecting first when there is no connection.
    /// - Returns: the connection to reuse (nil after a failure), and whether the database refused the host.
    func send(stopping: Bool, over connection: Connection?) async -> (connection: Connection?, refused: Bool) {
        let kernel = readsKernel
            ? await withTaskExecutorPreference(BlockingIOExecutor.shared) { KernelAudit.report() } : KernelAudit.Report()
        let report = reportJSON(kernel: kernel, stopping: stopping)
        do {
            let connected: Connection
            if let connection {
                connected = connection
            } else {
                connected = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-agent")
            }
            let identity = identity
            let accepted = try await connected.withSession { session in
                try AgentHeartbeat.record(
                    hostname: identity.hostname, machineID: identity.machineID, bootID: identity.bootID,
                    reportJSON: report, session: session)
            }
            if !accepted { statistics.update { $0.hostRefused = true } }
            return (connected, !accepted)
        } catch {
            logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            return (nil, false)
        }
    }

    /// Runs `work` and waits for it at most `timeout`; true when it finished in time.
    ///
    /// libpq calls cannot be cancelled, so `work` runs in a task of its own that is left to
    /// finish (or to end with the process) when it takes longer.
    static func finishes(within timeout: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let waiter = OneResume()
        return await withCheckedContinuation { continuation in
            waiter.set(continuation)
            let timer = Task {
                try? await Task.sleep(for: timeout)
                waiter.resume(returning: false)
            }
            Task {
                await work()
                timer.cancel()
                waiter.resume(returning: true)
            }
        }
    }

    /// A continuation resumed by whichever of two tasks comes first.
    final class OneResume: Sendable {
        private let continuation = Mutex<CheckedContinuation<Bool, Never>?>(nil)

        func set(_ c: CheckedContinuation<Bool, Never>) { continuation.withLock { $0 = c } }

        func resume(returning value: Bool) { continuation.withLock { $0.take() }?.resume(returning: value) }
    }

    /// The report object; keys are documented in ops/agent.yaml.
    /// - Parameter stopping: true for the last report of a graceful shutdown (`"stopping":true`).
    func reportJSON(kernel: KernelAudit.Report, stopping: Bool = false) -> String {
        let agent = statistics.snapshot
        let shipped = shipperStatistics.snapshot
        var fields: [(String, String)] = [
            ("version", JSONString.quoted(HerdwatchVersion.current)),
            ("config_digest", JSONString.quoted(agent.configDigest)),
            ("rules_digest", kernel.rulesDigest.map(JSONString.quoted) ?? "null"),
            ("audit_enabled", kernel.enabled.map { "\($0)" } ?? "null"),
            ("audit_pid", kernel.pid.map { "\($0)" } ?? "null"),
            ("kernel_lost", kernel.lost.map { "\($0)" } ?? "null"),
            ("kernel_backlog", kernel.backlog.map { "\($0)" } ?? "null"),
            ("serial_gaps", "\(agent.serialGaps)"),
            ("malformed", "\(agent.malformed)"),
            ("records", "\(agent.records)"),
            ("spool_bytes", "\(shipped.spoolBytes)"),
            ("spool_dropped_events", "\(shipped.spool.droppedEvents + shipped.spoolFailedEvents + shipped.inputDroppedEvents + agent.inputDroppedEvents)"),
            ("events_shipped", "\(shipped.shippedEvents)"),
            ("events_rejected", "\(shipped.rejectedEvents)"),
            ("future_events", "\(agent.futureEvents)"),
            ("netlink_dropped", "\(agent.netlinkDropped + agent.netlinkOverruns)"),
            ("started_at", "\(startedAt)"),
            ("agent_pid", "\(getpid())"),
        ]
        if let reloaded = agent.rulesReloadedAt { fields.append(("rules_reloaded_at", "\(reloaded)")) }
        if stopping { fields.append(("stopping", "true")) }
        return "{" + fields.map { "\(JSONString.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}
