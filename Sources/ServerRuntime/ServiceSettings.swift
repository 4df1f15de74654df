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

    public static let learnWindow = SettingKey(
        "learn.window", environment: "HERDWATCH_LEARN_WINDOW", kind: .duration, default: "14d",
        summary: "training window, counted back from --until and rounded to whole UTC days")
    public static let learnMinHosts = SettingKey(
        "learn.min_hosts", environment: "HERDWATCH_LEARN_MIN_HOSTS", kind: .integer(1...100_000), default: "3",
        summary: "hosts a term needs at least; roles with fewer hosts admit by days seen instead")
    public static let learnMinFraction = SettingKey(
        "learn.min_fraction", environment: "HERDWATCH_LEARN_MIN_FRACTION", kind: .string, default: "0.1",
        summary: "share of the role's hosts a term needs (0 to 1), when that is more than min_hosts")
    public static let learnMinDays = SettingKey(
        "learn.min_days", environment: "HERDWATCH_LEARN_MIN_DAYS", kind: .integer(1...366), default: "2",
        summary: "days a term needs in roles smaller than min_hosts")
    public static let learnPrefixMinAddresses = SettingKey(
        "learn.prefix_min_addresses", environment: "HERDWATCH_LEARN_PREFIX_MIN_ADDRESSES", kind: .integer(2...1_000_000),
        default: "8", summary: "distinct addresses of one /16 (same port and executable) that make a prefix term")

    public static let learnPathRules = SettingKey(
        "learn.path_rules", environment: "HERDWATCH_LEARN_PATH_RULES", kind: .string, default: "",
        summary: "file of path canonicalization rules (`REGEX => REPLACEMENT` per line); empty: the built-in rules")
    public static let learnEphemeralPortStart = SettingKey(
        "learn.ephemeral_port_start", environment: "HERDWATCH_LEARN_EPHEMERAL_PORT_START", kind: .integer(1024...65535),
        default: "32768", summary: "connect destination ports from here up are written `ephemeral`")

    public static let learnInterval = SettingKey(
        "learn.interval", environment: "HERDWATCH_LEARN_INTERVAL", kind: .duration, default: "24h",
        summary: "time between runs of `herdwatch learn --scheduled`")

    public static let detectSilenceThreshold = SettingKey(
        "detect.silence_threshold", environment: "HERDWATCH_DETECT_SILENCE_THRESHOLD", kind: .duration, default: "10m",
        summary: "a known host with no event and no heartbeat for this long is silent (host_silent)")
    public static let detectAuthFailuresThreshold = SettingKey(
        "detect.auth_failures_threshold", environment: "HERDWATCH_DETECT_AUTH_FAILURES_THRESHOLD", kind: .integer(1...1_000_000),
        default: "10", summary: "failed authentications from one source, on one role's hosts, that make a burst (auth_failures)")
    public static let detectAuthFailuresWindow = SettingKey(
        "detect.auth_failures_window", environment: "HERDWATCH_DETECT_AUTH_FAILURES_WINDOW", kind: .duration, default: "5m",
        summary: "the sliding window those failures must fall in")
    public static let detectHealthInterval = SettingKey(
        "detect.health_interval", environment: "HERDWATCH_DETECT_HEALTH_INTERVAL", kind: .duration, default: "15s",
        summary: "how often the continuous detector checks silence and heartbeats when no event arrives")

    public static let serveRollupInterval = SettingKey(
        "serve.rollup_interval", environment: "HERDWATCH_SERVE_ROLLUP_INTERVAL", kind: .duration, default: "1m",
        summary: "how often `herdwatch serve` rolls new events up into observations")
    public static let serveMaintenanceInterval = SettingKey(
        "serve.maintenance_interval", environment: "HERDWATCH_SERVE_MAINTENANCE_INTERVAL", kind: .duration, default: "1h",
        summary: "how often `herdwatch serve` creates event partitions ahead and applies retention")
    public static let servePartitionDaysAhead = SettingKey(
        "serve.partition_days_ahead", environment: "HERDWATCH_SERVE_PARTITION_DAYS_AHEAD", kind: .integer(1...366), default: "7",
        summary: "daily event partitions created ahead of today")
    public static let serveRetention = SettingKey(
        "serve.retention", environment: "HERDWATCH_SERVE_RETENTION", kind: .duration, default: "90d",
        summary: "events older than this are dropped, a daily partition at a time, once rolled up and judged")
    public static let serveRetrain = SettingKey(
        "serve.retrain", environment: "HERDWATCH_SERVE_RETRAIN", kind: .boolean, default: "true",
        summary: "retrain every role's baseline every learn.interval (window learn.window up to today) and activate it")
    public static let alertsJSONLPath = SettingKey(
        "alerts.jsonl_path", environment: "HERDWATCH_ALERTS_JSONL_PATH", kind: .string, default: "",
        summary: "file the JSON-lines alert sink appends to (one object per alert), `-` for standard output; empty: off")
    public static let alertsWebhookURL = SettingKey(
        "alerts.webhook_url", environment: "HERDWATCH_ALERTS_WEBHOOK_URL", kind: .string, default: "",
        summary: "http(s) URL of a Slack-compatible incoming webhook; a secret, best set in the environment; empty: off")
    public static let alertsWebhookTimeout = SettingKey(
        "alerts.webhook_timeout", environment: "HERDWATCH_ALERTS_WEBHOOK_TIMEOUT", kind: .duration, default: "10s",
        summary: "time one webhook request may take before it counts as a failed attempt")
    public static let alertsWebhookMaxAttempts = SettingKey(
        "alerts.webhook_max_attempts", environment: "HERDWATCH_ALERTS_WEBHOOK_MAX_ATTEMPTS", kind: .integer(1...20),
        default: "5", summary: "attempts per alert (with exponential backoff from 1s, capped at 60s) before it is recorded failed")
    public static let alertsWebhookRatePerMinute = SettingKey(
        "alerts.webhook_rate_per_minute", environment: "HERDWATCH_ALERTS_WEBHOOK_RATE_PER_MINUTE",
        kind: .integer(1...100_000), default: "30",
        summary: "webhook alerts per minute (token bucket, bursts up to this many); excess alerts are recorded dropped and summarized")
    public static let alertsInterval = SettingKey(
        "alerts.interval", environment: "HERDWATCH_ALERTS_INTERVAL", kind: .duration, default: "5s",
        summary: "pause between the alert dispatcher's runs inside `herdwatch serve`")

    public static let keys: [SettingKey] = [
        databaseURL, logLevel, learnWindow, learnMinHosts, learnMinFraction, learnMinDays, learnPrefixMinAddresses,
        learnPathRules, learnEphemeralPortStart, learnInterval,
        detectSilenceThreshold, detectAuthFailuresThreshold, detectAuthFailuresWindow, detectHealthInterval,
        serveRollupInterval, serveMaintenanceInterval, servePartitionDaysAhead, serveRetention, serveRetrain,
        alertsJSONLPath, alertsWebhookURL, alertsWebhookTimeout, alertsWebhookMaxAttempts, alertsWebhookRatePerMinute,
        alertsInterval,
    ]
}
