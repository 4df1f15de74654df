import Settings

/// The keys of the service's configuration file (`herdwatch --config FILE`, documented with
/// their defaults in ops/herdwatch.yaml). Later features add their keys here.
public enum ServiceSettings {
    public static let databaseURL = SettingKey(
        "database.url", environment: "DATABASE_URL", kind: .string, default: "",
        summary: "libpq connection URL or key=value string; empty uses libpq's defaults (PGHOST, PGUSER, ... and ~/.pgpass)")
    public static let logLevel = SettingKey(
        "log.level", environment: "HERDWATCH_LOG_LEVEL",
        kind: .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), default: "info",
        summary: "lowest level of log messages written to standard error")

    public static let keys: [SettingKey] = [databaseURL, logLevel]
}
