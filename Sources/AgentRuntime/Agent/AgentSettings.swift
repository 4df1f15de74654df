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

    // File integrity (FIMConfiguration). Lists are one string: paths separated by ':' as in
    // PATH, globs by ','; no paths turns file integrity off.
    public static let fimPaths = SettingKey(
        "fim.paths", environment: "HERDWATCH_FIM_PATHS", kind: .string, default: "",
        summary: "directories or files to watch, separated by ':'; empty turns file integrity off")
    public static let fimRecursive = SettingKey(
        "fim.recursive", kind: .boolean, default: "true", summary: "descend into subdirectories")
    public static let fimInclude = SettingKey(
        "fim.include", kind: .string, default: "",
        summary: "record only files whose name (or, with '/', whole path) matches one of these globs, separated by ','")
    public static let fimExclude = SettingKey(
        "fim.exclude", kind: .string, default: "",
        summary: "skip files and directories (and all below them) matching one of these globs, separated by ','")
    public static let fimMaxFileSize = SettingKey(
        "fim.max_file_size", kind: .integer(0...Int.max), default: "1073741824",
        summary: "regular files larger than this many bytes are recorded by metadata only, not hashed")
    public static let fimMaxWatches = SettingKey(
        "fim.max_watches", kind: .integer(0...10_000_000), default: "8192",
        summary: "most inotify watches (one per directory); directories beyond are rescanned every fim.unwatched_rescan_interval")
    public static let fimRescanInterval = SettingKey(
        "fim.rescan_interval", kind: .duration, default: "6h",
        summary: "time between full rescans; 0s for none")
    public static let fimRescanRate = SettingKey(
        "fim.rescan_rate_mb_per_s", kind: .integer(0...100_000), default: "50",
        summary: "hashing budget of full rescans in MB/s; 0 for unlimited")
    public static let fimUnwatchedRescanInterval = SettingKey(
        "fim.unwatched_rescan_interval", kind: .duration, default: "60s",
        summary: "time between scans of directories that got no inotify watch")

    public static let keys: [SettingKey] = [
        source, logFilePath, rulesFile, backlogLimit, rateLimit, databaseURL, batchEvents, batchDelay,
        stateDirectory, spoolMaxBytes, spoolSync, heartbeatInterval, socketSnapshotInterval, futureSkew, logLevel,
        fimPaths, fimRecursive, fimInclude, fimExclude, fimMaxFileSize, fimMaxWatches, fimRescanInterval, fimRescanRate,
        fimUnwatchedRescanInterval,
    ]
}
