import ArgumentParser
import FleetModel

/// `herdwatch-agent`: the lean per-host capture agent. Wiring only; the work lives in AgentRuntime.
@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herdwatch-agent",
        abstract: "Capture Linux audit events and file changes on this host and ship them to PostgreSQL.",
        discussion: """
            The agent records broadly and ships everything; analysis happens centrally in the
            Herdwatch service, so nothing on this host reveals what is being looked for.
            """,
        version: HerdwatchVersion.current,
        subcommands: [Run.self, Audisp.self, CheckConfig.self, Replay.self, Parse.self, Scan.self, Audit.self]
    )
}
