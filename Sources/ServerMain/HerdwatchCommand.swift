import ArgumentParser
import FleetModel

/// `herdwatch`: the service and the operator's command line. Wiring only.
@main
struct HerdwatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herdwatch",
        abstract: "Find the host that behaves unlike its peers.",
        discussion: """
            Herdwatch learns per-role baselines from the audit events its agents ship into
            PostgreSQL and raises findings when a host steps outside them.
            """,
        version: HerdwatchVersion.current,
        subcommands: [Migrate.self, Status.self, Roles.self, Hosts.self, Simulate.self, Load.self, Learn.self, Baselines.self, Backtest.self,
                      Detect.self, FindingsGroup.self, Serve.self, Alerts.self, Maintenance.self, Report.self]
    )
}
