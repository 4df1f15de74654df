import ArgumentParser
import LibPQ
import Storage

extension HerdwatchCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the database, its schema version, and the fleet's hosts and roles.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings, requireSchema: false)
            let lines = try await connection.withSession { session -> [String] in
                let server = try session.query("SELECT current_database(), current_user, version()").first!
                let applied = try MigrationRunner().appliedMigrations(session)
                var lines = [
                    "database:  \(try server.decode(String.self, at: 0)) as \(try server.decode(String.self, at: 1))",
                    "server:    \(try server.decode(String.self, at: 2).split(separator: ",").first ?? "")",
                ]
                let latest = Migration.all.last?.version ?? 0
                guard let current = applied.last?.version else {
                    lines.append("schema:    not migrated (run herdwatch migrate)")
                    return lines
                }
                lines.append("schema:    version \(current)\(current < latest ? " (behind: this build has \(latest); run herdwatch migrate)" : "")")
                let fleet = FleetRepository(session: session)
                let hosts = try fleet.hosts()
                let roles = try fleet.roles()
                let unassigned = hosts.filter { $0.role == nil }.count
                let conflicts = hosts.filter(\.isConflict).count
                lines.append("roles:     \(roles.count)")
                lines.append("hosts:     \(hosts.count) (\(unassigned) without a role, \(conflicts) in conflict)")
                return lines
            }
            lines.forEach { print($0) }
        }
    }
}
