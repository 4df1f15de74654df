import Logging
import ServiceLifecycle
import UnixSignals

/// On SIGHUP, reads the configuration file again and, when it is valid, reloads the audit
/// rules and limits (netlink-unicast) and the configuration digest the heartbeat reports.
/// Other changed settings (source, database, batches, state directory) take effect at the
/// next start, and a log line says so; an invalid file is logged and the running
/// configuration kept.
public struct ReloadService: Service {
    let configPath: String?
    let running: AgentConfiguration
    let statistics: AgentStatistics
    let logger: Logger

    public init(configPath: String?, running: AgentConfiguration, statistics: AgentStatistics, logger: Logger) {
        self.configPath = configPath
        self.running = running
        self.statistics = statistics
        self.logger = logger
    }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        logger.debug("reloading on SIGHUP")
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading the configuration")
            let loaded: AgentConfiguration
            do {
                loaded = try AgentConfiguration.load(filePath: configPath, environment: Agent.environment())
            } catch {
                logger.error("configuration not reloaded: it is invalid; the running configuration stays", metadata: ["error": "\(error)"])
                continue
            }
            statistics.update { $0.configDigest = loaded.digest }
            if loaded.source == .netlinkUnicast {
                let logger = logger
                let statistics = statistics
                await withTaskExecutorPreference(BlockingIOExecutor.shared) {
                    Agent.loadRules(loaded, statistics: statistics, logger: logger)
                }
            }
            if !loaded.restartlessEquivalent(to: running) {
                logger.notice("changed settings other than audit rules and limits take effect when the agent restarts")
            }
        }
    }
}

extension AgentConfiguration {
    /// Whether only what a reload applies differs.
    func restartlessEquivalent(to other: AgentConfiguration) -> Bool {
        source == other.source && logFilePath == other.logFilePath && databaseURL == other.databaseURL
            && batchEvents == other.batchEvents && batchDelay == other.batchDelay && stateDirectory == other.stateDirectory
            && spoolMaxBytes == other.spoolMaxBytes && spoolSync == other.spoolSync
            && heartbeatInterval == other.heartbeatInterval && futureSkew == other.futureSkew && logLevel == other.logLevel
    }
}
