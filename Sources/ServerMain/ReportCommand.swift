import ArgumentParser
import FleetModel
import Foundation
import LibPQ
import ServerRuntime
import Storage

extension HerdwatchCommand {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reports over the stored events.",
            subcommands: [Connections.self])
    }
}

extension HerdwatchCommand.Report {
    /// `herdwatch report connections`: the fleet's unique outgoing connections and who made them.
    struct Connections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The fleet's unique outgoing connections in a period, and which processes and users made them.",
            discussion: """
                Counts connect events to an IP address that succeeded or are in progress (EINPROGRESS), \
                grouped by destination address and port, destinations on the fewest hosts first. \
                Loopback destinations are left out unless --include-loopback, and so are UDP \
                sockets (DNS, NTP) when the agent saw them created; a socket created before the \
                agent started has an unknown type and counts.

                Example: herdwatch report connections --since 1h --role web
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Start of the period: a duration back from now (1h, 7d), 'now' or RFC 3339.", valueName: "time"))
        var since: String = "1h"

        @Option(help: ArgumentHelp("End of the period (exclusive), same forms as --since.", valueName: "time"))
        var until: String = "now"

        @Option(help: "Only hosts of this role.") var role: String?

        @Flag(help: "Count connections to 127.0.0.0/8 and ::1 too.") var includeLoopback = false

        @Flag(help: "Print one JSON array instead of the headline and table.") var json = false

        func validate() throws {
            let now = Date()
            do {
                let from = try TimeExpression.date(from: since, now: now)
                let to = try TimeExpression.date(from: until, now: now)
                guard from < to else { throw ValidationError("--since must lie before --until") }
            } catch let error as FleetModelError {
                throw ValidationError(error.description)
            }
            if let role { do { _ = try RoleName(role) } catch { throw ValidationError(error.description) } }
        }

        func run() async throws {
            let settings = try global.resolve()
            let now = Date()
            let filter = ConnectionReportQuery.Filter(
                from: PostgresTimestamp(try TimeExpression.date(from: since, now: now)),
                until: PostgresTimestamp(try TimeExpression.date(from: until, now: now)), role: role,
                includeLoopback: includeLoopback)
            let connection = try await global.connect(settings)
            let report = try await connection.withSession { try ConnectionReportQuery(session: $0).run(filter) }
            if json {
                print(ConnectionReportText.json(report))
                return
            }
            let period = until == "now" && TimeExpression.durationSeconds(since) != nil
                ? "in the last \(since)" : "from \(filter.from) to \(filter.until)"
            print(ConnectionReportText.headline(report, period: period) + (role.map { " (role \($0))" } ?? ""))
            if !report.destinations.isEmpty { print(ConnectionReportText.table(report)) }
        }
    }
}
