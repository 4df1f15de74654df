import Glibc
import Logging
import ServiceLifecycle
import Synchronization

/// `herdwatch-agent run` as values: the services in the order the `ServiceGroup` needs them,
/// built from a configuration exactly as production builds them, so tests run the same thing.
///
/// Order `[shipper, heartbeat, reload, sockets, reader, fileIntegrity]`: on SIGTERM the group shuts services down in
/// reverse, so the reader stops reading first and hands its last batch over, and the shipper
/// stores everything in PostgreSQL or the spool last (STYLE.md §5).
///
/// ```swift
/// let agent = try Agent.build(configuration, configPath: path, logger: logger)
/// try await agent.run()
/// ```
public struct Agent: Sendable {
    public let shipper: Shipper
    public let reader: AuditReader
    public let heartbeat: HeartbeatService
    public let reload: ReloadService
    /// Nil when snapshots are turned off.
    public let sockets: ListeningSocketService?
    /// Nil when the configuration's `fim` section names no paths.
    public let fileIntegrity: FileIntegrityService?
    public let statistics: AgentStatistics
    public let logger: Logger
    /// Where synthesized events (a listening-socket snapshot) are submitted.
    public var synthesizedEvents: AuditReader.SynthesizedEvents { reader.synthesizedEvents }

    /// Prepares the state directory, the kernel (netlink-unicast: audit lock, limits, rules,
    /// daemon registration) and the services.
    /// - Parameters:
    ///   - transforms: run on every event before it is encoded (secret redaction).
    /// - Throws: when the state directory cannot be made or the kernel refuses.
    public static func build(
        _ configuration: AgentConfiguration, configPath: String?, identity: HostIdentity = .current(),
        transforms: [EventTransform] = [], logger: Logger
    ) throws -> Agent {
        try makeDirectory(configuration.stateDirectory)
        let statistics = AgentStatistics(configDigest: configuration.digest)
        let checkpoints = CheckpointStore(directory: configuration.stateDirectory)
        let checkpointLogger = logger
        let (shipper, input) = Shipper.make(
            Shipper.Configuration(
                spool: DiskSpool.Configuration(
                    directory: configuration.spoolDirectory, maxTotalBytes: configuration.spoolMaxBytes,
                    syncPolicy: configuration.spoolSync),
                // A seed per process, so a fleet's agents spread their retries after an outage.
                machine: .init(seed: UInt64(bitPattern: ReaderState.nowMilliseconds()) ^ UInt64(getpid()))),
            sink: PostgresBatchSink(conninfo: configuration.databaseURL, identity: identity, statistics: statistics, logger: logger),
            logger: logger
        ) { encoded in
            // Called by the shipper once every batch up to this position is stored or spooled.
            guard !encoded.isEmpty else { return }
            do {
                try checkpoints.save(try LogCheckpoint.decode(encoded))
            } catch {
                checkpointLogger.error("log checkpoint not saved", metadata: ["error": "\(error)"])
            }
        }
        let origin: AuditReader.Origin
        var bootID = identity.bootID
        switch configuration.source {
        case .logFile:
            origin = .logFile(path: configuration.logFilePath, checkpoints: checkpoints)
            // A log holds records of earlier boots too: the stored key uses no boot id, so a
            // line read again after a reboot is still recognised.
            bootID = nil
        case .stdin:
            origin = .standardInput
            bootID = nil
        case .netlinkUnicast:
            origin = .netlink(try startNetlink(configuration, statistics: statistics, logger: logger))
        case .netlinkMulticast:
            origin = .netlink(try NetlinkAuditSource.start(mode: .multicast))
        }
        var readerConfiguration = AuditReader.Configuration(
            batchEvents: configuration.batchEvents, batchDelay: configuration.batchDelay, bootID: bootID,
            futureSkew: configuration.futureSkew)
        // The host's real boot, whatever the source: a cached pid means something only in it.
        readerConfiguration.lineageCache = identity.bootID.map {
            LineageCacheStore(directory: configuration.stateDirectory, bootID: $0, sync: configuration.spoolSync != .never)
        }
        let reader = AuditReader(
            origin: origin, configuration: readerConfiguration,
            shipper: shipper, input: input, transforms: transforms, statistics: statistics, logger: logger)
        let heartbeat = HeartbeatService(
            conninfo: configuration.databaseURL, identity: identity, interval: configuration.heartbeatInterval,
            statistics: statistics, shipperStatistics: shipper.statistics,
            readsKernel: configuration.source == .netlinkUnicast || configuration.source == .netlinkMulticast, logger: logger)
        let reload = ReloadService(configPath: configPath, running: configuration, statistics: statistics, logger: logger)
        let sockets = configuration.socketSnapshotInterval.map {
            ListeningSocketService(interval: $0, events: reader.synthesizedEvents, logger: logger)
        }
        let fileIntegrity = configuration.fim.map {
            FileIntegrityService(
                configuration: $0, stateDirectory: configuration.stateDirectory, rows: reader.synthesizedRows, logger: logger)
        }
        return Agent(
            shipper: shipper, reader: reader, heartbeat: heartbeat, reload: reload, sockets: sockets,
            fileIntegrity: fileIntegrity, statistics: statistics, logger: logger)
    }

    /// Runs until SIGTERM (drain, then return) or the end of the input (standard input).
    public func run() async throws {
        let group = ServiceGroup(configuration: groupConfiguration())
        try await group.run()
    }

    public func groupConfiguration() -> ServiceGroupConfiguration {
        // Any service ending (the reader at the end of standard input, the shipper once the
        // reader finished its input) shuts the group down gracefully, in order.
        // File integrity feeds the reader, so it comes after it and stops before it.
        let ordered: [any Service] = [ShipperService(shipper: shipper), heartbeat, reload] + (sockets.map { [$0] } ?? []) + [reader]
            + (fileIntegrity.map { [$0] } ?? [])
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = ordered.map {
            .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        // ServiceLifecycle's own debug lines print whole service values: keep them out.
        var groupLogger = logger
        groupLogger.logLevel = max(logger.logLevel, .info)
        var configuration = ServiceGroupConfiguration(services: services, logger: groupLogger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        return configuration
    }

    /// netlink-unicast: take the machine-wide audit lock for the agent's lifetime, set the
    /// limits and load the rules, then become the audit daemon.
    static func startNetlink(_ configuration: AgentConfiguration, statistics: AgentStatistics, logger: Logger) throws -> NetlinkAuditSource {
        let lock = try AuditLock()
        heldLock.withLock { $0 = lock }
        loadRules(configuration, statistics: statistics, logger: logger)
        let source = try NetlinkAuditSource.start(mode: .unicast)
        logger.info("registered as the audit daemon")
        return source
    }

    /// Applies limits and rules, recording when (so the service can tell the agent's own
    /// CONFIG_CHANGE records from tampering). Failures are logged: the agent keeps reading.
    static func loadRules(_ configuration: AgentConfiguration, statistics: AgentStatistics, logger: Logger) {
        do {
            let changes = try KernelAudit.configure(
                rulesFile: configuration.rulesFile, backlogLimit: configuration.backlogLimit, rateLimit: configuration.rateLimit)
            statistics.update { $0.rulesReloadedAt = ReaderState.nowMilliseconds() / 1000 }
            if let changes {
                logger.info(
                    "audit rules loaded",
                    metadata: ["rules.added": "\(changes.added)", "rules.present": "\(changes.alreadyPresent)", "rules.deleted": "\(changes.deleted)"])
            }
        } catch {
            logger.error("audit rules or limits not loaded; the kernel keeps what it had", metadata: ["error": "\(error)"])
        }
    }

    /// The process environment, for settings.
    public static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw Errno(errno) }
        }
    }
}

/// The shipper as the group's first service. The shipper finishes as soon as the reader has
/// finished its input (having stored everything); ServiceLifecycle takes a service that ends
/// before its turn in the graceful shutdown for a failure, so this waits for that turn.
struct ShipperService: Service {
    let shipper: Shipper

    func run() async throws {
        try await shipper.run()
        try? await gracefulShutdown()
    }
}

/// The audit lock held for the life of a netlink-unicast agent.
private let heldLock = Mutex<AuditLock?>(nil)
