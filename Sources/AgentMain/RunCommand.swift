import AgentRuntime
import ArgumentParser
import LibPQ
import Logging
import LoggingSetup

extension AgentCommand {
    /// `herdwatch-agent run --config FILE`: capture and ship until SIGTERM.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Capture audit events and ship them to PostgreSQL until SIGTERM.",
            discussion: """
                Settings come from the configuration file (ops/agent.yaml documents every key), \
                with DATABASE_URL, HERDWATCH_AGENT_SOURCE, HERDWATCH_AGENT_STATE and \
                HERDWATCH_LOG_LEVEL overriding it. Passwords belong in PGPASSFILE, never in \
                the URL. SIGTERM: stop reading, store what is held in PostgreSQL or the spool, \
                exit 0. SIGHUP: reload the configuration, the audit rules and limits.
                """)

        @Option(help: ArgumentHelp("The agent's YAML configuration (see ops/agent.yaml).", valueName: "file"))
        var config: String

        func run() async throws {
            try await runAgent(configPath: config, environment: Agent.environment())
        }
    }

    /// `herdwatch-agent audisp FILE`: `run` reading records from standard input, as auditd's
    /// plugin dispatcher starts it (ops/audisp/herdwatch.conf; auditd passes at most two
    /// arguments, so the source is implied rather than a flag).
    struct Audisp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audisp",
            abstract: "Run as an auditd plugin: read records from standard input and ship them.",
            discussion: """
                The same as `run --config FILE` with source stdin. Install ops/audisp/herdwatch.conf \
                in /etc/audit/plugins.d/ and set active = yes. At the end of standard input (auditd \
                stopping) the agent stores what it holds and exits 0.
                """)

        @Argument(help: ArgumentHelp("The agent's YAML configuration (see ops/agent.yaml).", valueName: "file"))
        var config: String

        func run() async throws {
            var environment = Agent.environment()
            environment["HERDWATCH_AGENT_SOURCE"] = AgentConfiguration.Source.stdin.rawValue
            try await runAgent(configPath: config, environment: environment)
        }
    }

    /// `herdwatch-agent check-config FILE`: validate a configuration without running.
    struct CheckConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config",
            abstract: "Check an agent configuration file and print the settings it resolves to.")

        @Argument(help: ArgumentHelp("The agent's YAML configuration.", valueName: "file"))
        var file: String

        func run() throws {
            let configuration: AgentConfiguration
            do {
                configuration = try AgentConfiguration.load(filePath: file, environment: Agent.environment())
            } catch {
                printError("herdwatch-agent: \(error)")
                throw ExitCode(78)  // EX_CONFIG
            }
            print("\(file): ok")
            print("source \(configuration.source.rawValue)")
            print("state.directory \(configuration.stateDirectory)")
            print("config_digest \(configuration.digest)")
        }
    }
}

/// Loads the configuration and runs the agent until SIGTERM or the end of its input.
func runAgent(configPath: String, environment: [String: String]) async throws {
    HeapTuning.limitForLongRunningAgent()
    let configuration: AgentConfiguration
    do {
        configuration = try AgentConfiguration.load(filePath: configPath, environment: environment)
    } catch {
        printError("herdwatch-agent: \(error)")
        throw ExitCode(78)  // EX_CONFIG
    }
    // SIGHUP reloads; until the reload service listens, one must not end the agent.
    signal(SIGHUP, SIG_IGN)
    LoggingSetup.bootstrap(level: configuration.logLevel)
    let logger = Logger(label: "herdwatch-agent")
    if ConnectionString.containsPassword(configuration.databaseURL) {
        logger.warning("database.url carries a password; put it in PGPASSFILE instead")
    }
    let identity = HostIdentity.current()
    logger.info(
        "agent starting",
        metadata: ["agent.source": "\(configuration.source.rawValue)", "host.name": "\(identity.hostname)"])
    let transforms = try Agent.liveTransforms(stateDirectory: configuration.stateDirectory, source: configuration.source)
    let agent = try Agent.build(configuration, configPath: configPath, identity: identity, transforms: transforms, logger: logger)
    try await agent.run()
    logger.info("agent stopped")
}

/// Writes `text` to standard error unbuffered, with a newline unless told otherwise (a progress
/// line that `\r` rewrites has none).
func printError(_ text: String, newline: Bool = true) {
    var line = newline ? text + "\n" : text
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

#if canImport(Glibc)
import Glibc
#endif
