import Settings

/// The keys of the agent's configuration file (`herdwatch-agent run --config FILE`), each
/// documented with its default in ops/agent.yaml. Precedence: environment variable, then the
/// file, then the default (the agent takes no per-key flags: one file describes a host).
public enum AgentSettings {
    public static let source = SettingKey(
        "source", environment: "HERDWATCH_AGENT_SOURCE",
        kind: .choice(AgentConfiguration.Source.allCases.map(\.rawValue)), default: "netlink-unicast",
        summary: "where audit records come from")
    public static let logFilePath = SettingKey(
        "log_file.path", kind: .string, default: "/var/log/audit/audit.log",
        summary: "auditd's log file, for source log-file")
    public static let rulesFile = SettingKey(
        "audit.rules_file", kind: .string, default: "",
        summary: "audit rules (auditctl syntax) the agent loads at start and on SIGHUP, netlink-unicast only; empty loads none")
    public static let backlogLimit = SettingKey(
        "audit.backlog_limit", kind: .integer(0...(1 << 30)), default: "8192",
        summary: "records the kernel queues for the agent (auditctl -b); 0 leaves it; netlink-unicast only")
    public static let rateLimit = SettingKey(
        "audit.rate_limit", kind: .integer(0...(1 << 30)), default: "0",
        summary: "records per second before the kernel drops them, 0 for no limit (auditctl -r); netlink-unicast only")
    public static let databaseURL = SettingKey(
        "database.url", environment: "DATABASE_URL", kind: .string, default: "",
        summary: "libpq URL or key=value string, without password (PGPASSFILE)")
    public static let batchEvents = SettingKey(
        "batch.events", kind: .integer(1...100_000), default: "1000",
        summary: "events per batch")
    public static let batchDelay = SettingKey(
        "batch.max_delay_ms", kind: .integer(1...600_000), default: "1000",
        summary: "longest time an event waits for its batch to fill, in milliseconds")
    public static let stateDirectory = SettingKey(
        "state.directory", environment: "HERDWATCH_AGENT_STATE", kind: .string, default: "/var/lib/herdwatch-agent",
        summary: "spool, log checkpoint and lineage cache")
    public static let spoolMaxBytes = SettingKey(
        "spool.max_bytes", kind: .integer((1 << 16)...Int.max), default: "1073741824",
        summary: "spool size limit; the oldest batches are dropped (and counted) past it")
    public static let spoolSync = SettingKey(
        "spool.fsync", kind: .choice(DiskSpool.SyncPolicy.allCases.map(\.rawValue)), default: "batch",
        summary: "when spooled batches are forced to disk: always, batch or never")
    public static let heartbeatInterval = SettingKey(
        "heartbeat.interval_s", kind: .integer(1...86_400), default: "30",
        summary: "seconds between heartbeats")
    public static let socketSnapshotInterval = SettingKey(
        "sockets.snapshot_interval_s", kind: .integer(0...86_400), default: "300",
        summary: "seconds between snapshots of listening sockets read from /proc; 0 turns them off")
    public static let futureSkew = SettingKey(
        "events.future_skew_s", kind: .integer(0...86_400 * 365), default: "300",
        summary: "events stamped later than now plus this many seconds are flagged future_time and counted")
    public static let logLevel = SettingKey(
        "log.level", environment: "HERDWATCH_LOG_LEVEL",
        kind: .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), default: "info",
        summary: "lowest level of log messages written to standard error")

    public static let keys: [SettingKey] = [
        source, logFilePath, rulesFile, backlogLimit, rateLimit, databaseURL, batchEvents, batchDelay,
        stateDirectory, spoolMaxBytes, spoolSync, heartbeatInterval, socketSnapshotInterval, futureSkew, logLevel,
    ]
}
