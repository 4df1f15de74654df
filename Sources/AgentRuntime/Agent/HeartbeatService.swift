import AsyncAlgorithms
import FleetModel
import LibPQ
import Logging
import ServiceLifecycle
import Storage

/// Every interval, records the agent's health through `herdwatch.agent_heartbeat` on a
/// connection of its own: version, config and rules digests, the kernel's audit state and
/// counters, the decoder's and the shipper's counters (keys listed in ops/agent.yaml).
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
            let kernel = readsKernel
                ? await withTaskExecutorPreference(BlockingIOExecutor.shared) { KernelAudit.report() } : KernelAudit.Report()
            let report = reportJSON(kernel: kernel)
            do {
                if connection == nil {
                    connection = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-agent")
                }
                let identity = identity
                let accepted = try await connection!.withSession { session in
                    try AgentHeartbeat.record(
                        hostname: identity.hostname, machineID: identity.machineID, bootID: identity.bootID,
                        reportJSON: report, session: session)
                }
                if !accepted {
                    statistics.update { $0.hostRefused = true }
                    if !refusedLogged {
                        logger.error(
                            "the database refused this host's heartbeat: the host name is bound to another agent login; an operator must act",
                            metadata: ["host.name": "\(identity.hostname)"])
                        refusedLogged = true
                    }
                }
            } catch {
                connection = nil
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The report object; keys are documented in ops/agent.yaml.
    func reportJSON(kernel: KernelAudit.Report) -> String {
        let agent = statistics.snapshot
        let shipped = shipperStatistics.snapshot
        var fields: [(String, String)] = [
            ("version", Self.quoted(HerdwatchVersion.current)),
            ("config_digest", Self.quoted(agent.configDigest)),
            ("rules_digest", kernel.rulesDigest.map(Self.quoted) ?? "null"),
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
        ]
        if let reloaded = agent.rulesReloadedAt { fields.append(("rules_reloaded_at", "\(reloaded)")) }
        return "{" + fields.map { "\(Self.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string; the values here are hex digests and version words, but escape anyway.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
