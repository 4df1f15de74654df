import FileIntegrity
import Settings

/// Everything `herdwatch-agent run` needs, resolved from ``AgentSettings`` and checked.
public struct AgentConfiguration: Sendable {
    public enum Source: String, Sendable, CaseIterable {
        case netlinkUnicast = "netlink-unicast"
        case netlinkMulticast = "netlink-multicast"
        case logFile = "log-file"
        case stdin
    }

    public var source: Source
    public var logFilePath: String
    /// Empty: load no rules.
    public var rulesFile: String
    public var backlogLimit: UInt32
    public var rateLimit: UInt32
    public var databaseURL: String
    public var batchEvents: Int
    public var batchDelay: Duration
    public var stateDirectory: String
    public var spoolMaxBytes: Int
    public var spoolSync: DiskSpool.SyncPolicy
    public var heartbeatInterval: Duration
    /// Nil: no listening-socket snapshots.
    public var socketSnapshotInterval: Duration?
    public var futureSkew: Duration
    public var logLevel: String
    /// The `fim` section; nil when it names no paths (file integrity off).
    public var fim: FIMConfiguration?
    /// SHA-256 of the configuration file's bytes, in hexadecimal; empty without a file.
    public var digest: String

    /// Resolves the settings: environment, then `filePath`, then defaults.
    /// - Throws: `SettingsError` naming the key and the file.
    public static func load(filePath: String?, environment: [String: String]) throws -> AgentConfiguration {
        let settings = try ResolvedSettings(keys: AgentSettings.keys, environment: environment, filePath: filePath)
        let digest = try filePath.map { try ContentDigest.sha256(ofFile: $0) } ?? ""
        return AgentConfiguration(settings: settings, digest: digest)
    }

    init(settings: ResolvedSettings, digest: String) {
        source = Source(rawValue: settings.string(AgentSettings.source.name))!
        logFilePath = settings.string(AgentSettings.logFilePath.name)
        rulesFile = settings.string(AgentSettings.rulesFile.name)
        backlogLimit = UInt32(settings.integer(AgentSettings.backlogLimit.name))
        rateLimit = UInt32(settings.integer(AgentSettings.rateLimit.name))
        databaseURL = settings.string(AgentSettings.databaseURL.name)
        batchEvents = settings.integer(AgentSettings.batchEvents.name)
        batchDelay = .milliseconds(settings.integer(AgentSettings.batchDelay.name))
        stateDirectory = settings.string(AgentSettings.stateDirectory.name)
        spoolMaxBytes = settings.integer(AgentSettings.spoolMaxBytes.name)
        spoolSync = DiskSpool.SyncPolicy(rawValue: settings.string(AgentSettings.spoolSync.name))!
        heartbeatInterval = .seconds(settings.integer(AgentSettings.heartbeatInterval.name))
        let snapshotSeconds = settings.integer(AgentSettings.socketSnapshotInterval.name)
        socketSnapshotInterval = snapshotSeconds == 0 ? nil : .seconds(snapshotSeconds)
        futureSkew = .seconds(settings.integer(AgentSettings.futureSkew.name))
        logLevel = settings.string(AgentSettings.logLevel.name)
        fim = Self.fim(settings)
        self.digest = digest
    }

    static func fim(_ settings: ResolvedSettings) -> FIMConfiguration? {
        let paths = settings.string(AgentSettings.fimPaths.name).split(separator: ":").map(String.init)
        guard !paths.isEmpty else { return nil }
        func globs(_ key: SettingKey) -> [GlobPattern] {
            settings.string(key.name).split(separator: ",").map { GlobPattern(String($0)) }
        }
        let rescan = settings.duration(AgentSettings.fimRescanInterval.name)
        let rate = settings.integer(AgentSettings.fimRescanRate.name)
        return FIMConfiguration(
            paths: paths, recursive: settings.boolean(AgentSettings.fimRecursive.name),
            filter: PathFilter(include: globs(AgentSettings.fimInclude), exclude: globs(AgentSettings.fimExclude)),
            maxFileSizeBytes: UInt64(settings.integer(AgentSettings.fimMaxFileSize.name)),
            maxWatches: settings.integer(AgentSettings.fimMaxWatches.name),
            rescanInterval: rescan == .zero ? nil : rescan,
            rescanRateMegabytesPerSecond: rate == 0 ? nil : Double(rate),
            unwatchedRescanInterval: settings.duration(AgentSettings.fimUnwatchedRescanInterval.name))
    }

    public var spoolDirectory: String { stateDirectory + "/spool" }
}
