import AgentRuntime
import ArgumentParser
import LibPQ
import Logging
import LoggingSetup
#if canImport(Glibc)
import Glibc
import FleetModel
#endif

extension AgentCommand {
    /// `herdwatch-agent replay FILE… --host NAME`: ship recorded logs once.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Ship recorded audit logs to PostgreSQL, each event once however often replayed.",
            discussion: """
                The database comes from --database-url, else database.url of --config, else \
                DATABASE_URL, else libpq's defaults (PGPASSFILE for the password). Replayed \
                events carry no boot id. A transient database failure is retried with backoff.

                Exit status: 0 every event stored or already present; 1 failure (unreadable \
                file, database unreachable); 64 usage error; 65 the database refused the host \
                (bound to another agent login: use a login granted herdwatch_replay).
                """)

        @Argument(help: ArgumentHelp("Audit logs, oldest first.", valueName: "file"))
        var files: [String]

        @Option(help: "The host the events belong to.")
        var host: String?

        @Flag(help: "Take each event's host from its records' node= field.")
        var hostFromNode = false

        @Option(help: ArgumentHelp("The agent's YAML configuration, for database.url.", valueName: "file"))
        var config: String?

        @Option(help: ArgumentHelp("PostgreSQL URL or key=value string, without password.", valueName: "url"))
        var databaseURL: String?

        @Option(help: "Events per database transaction.")
        var batchEvents = 2000

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one file") }
            if (host == nil) == !hostFromNode { throw ValidationError("give exactly one of --host NAME and --host-from-node") }
            if !(1...100_000).contains(batchEvents) { throw ValidationError("--batch-events takes 1 to 100000") }
        }

        func run() async throws {
            var environment = Agent.environment()
            if let databaseURL { environment["DATABASE_URL"] = databaseURL }
            let configuration: AgentConfiguration
            do {
                configuration = try AgentConfiguration.load(filePath: config, environment: environment)
            } catch {
                printError("herdwatch-agent: \(error)")
                throw ExitCode(64)
            }
            LoggingSetup.bootstrap(level: configuration.logLevel)
            let logger = Logger(label: "herdwatch-agent")
            if databaseURL.map(ConnectionString.containsPassword) == true {
                logger.warning("the --database-url on the command line carries a password, which other users can read in the process list; put it in PGPASSFILE instead")
            }
            let replay = LogReplay(
                conninfo: configuration.databaseURL, host: host.map { .named($0) } ?? .fromNode,
                batchEvents: batchEvents, futureSkew: configuration.futureSkew, logger: logger)
            let onTerminal = isatty(2) == 1
            let clock = ContinuousClock()
            let started = clock.now
            var lastProgress = started
            let summary: LogReplay.Summary
            do {
                summary = try await replay.run(files: files) { partial in
                    guard onTerminal, clock.now - lastProgress >= .milliseconds(250) else { return }
                    lastProgress = clock.now
                    printError("\rreplay: \(partial.events) events, \(partial.bytes >> 20) MiB read\u{1B}[K", newline: false)
                }
            } catch {
                if onTerminal { printError("") }
                printError("herdwatch-agent replay: \(error)")
                throw ExitCode(1)
            }
            if onTerminal { printError("\r\u{1B}[K", newline: false) }
            let elapsed = clock.now - started
            let seconds = elapsed.inSeconds
            print(
                "events \(summary.events), stored \(summary.stored), duplicates skipped \(summary.duplicates), malformed \(summary.malformed), future \(summary.futureEvents), without node \(summary.withoutNode), seconds \(String(format3(seconds)))")
            if let refused = summary.refusedHost {
                printError("herdwatch-agent replay: the database refused host \(refused): it is bound to another agent login (use a login granted herdwatch_replay)")
                throw ExitCode(65)
            }
        }
    }
}

func format3(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}


