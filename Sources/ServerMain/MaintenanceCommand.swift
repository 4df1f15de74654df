import ArgumentParser
import FleetModel
import Foundation
import LibPQ
import ServerRuntime
import Storage

extension HerdwatchCommand {
    struct Maintenance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Maintenance windows: hold alerts (not findings) for a role or a host until a given time.",
            subcommands: [Add.self, List.self, End.self])
    }
}

extension HerdwatchCommand.Maintenance {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a window from now until --until.",
            discussion: """
                While the window lasts, an alert whose finding's hosts are all covered (by this \
                window or others) waits. When it ends the alert is sent if the finding is still \
                open or acknowledged, else recorded dropped. Findings are raised as usual.

                Example: herdwatch maintenance add --role web --until 2h --note "kernel upgrade"
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Hold alerts of every host of this role.") var role: String?
        @Option(help: "Hold alerts of this host.") var host: String?
        @Option(help: ArgumentHelp("End: RFC 3339, or a duration from now (2h, 3d).", valueName: "time")) var until: String
        @Option(help: "Why (shown in maintenance list).") var note: String?
        @Option(help: "Who opens the window (default: the operating-system user).") var actor: String?

        func validate() throws {
            guard (role == nil) != (host == nil) else { throw ValidationError("give exactly one of --role and --host") }
            if let role { do { _ = try RoleName(role) } catch { throw ValidationError(error.description) } }
            if let host { do { _ = try HostName.normalized(host) } catch { throw ValidationError(error.description) } }
            do { _ = try TimeExpression.until(until, now: Date()) } catch { throw ValidationError("--until: \(error.description)") }
        }

        func run() async throws {
            let settings = try global.resolve()
            let until = PostgresTimestamp(try TimeExpression.until(self.until, now: Date()))
            let scope: MaintenanceWindowStore.Scope
            if let role { scope = .role(role) } else { scope = .host(try HostName.normalized(host ?? "")) }
            let (note, actor) = (self.note, self.actor ?? OperatingSystemUser.name)
            let connection = try await global.connect(settings)
            do {
                let id = try await connection.withSession { session in
                    try MaintenanceWindowStore(session: session).add(scope, until: until, note: note, actor: actor)
                }
                print("maintenance window \(id) open until \(until)")
            } catch let error as MaintenanceWindowStore.ScopeError {
                throw CLIError(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active and upcoming windows (--all: ended ones too).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Include windows that have ended.") var all = false

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let all = self.all
            let windows = try await connection.withSession { try MaintenanceWindowStore(session: $0).list(includeEnded: all) }
            guard !windows.isEmpty else {
                print(all ? "no maintenance windows" : "no active maintenance windows")
                return
            }
            var table = TextTable(["ID", "SCOPE", "STARTS", "ENDS", "STATE", "BY", "NOTE"])
            for w in windows {
                let scope: String
                switch w.scope {
                case .role(let role): scope = "role \(role)"
                case .host(let host): scope = "host \(host)"
                }
                table.append([
                    String(w.id), scope, w.startsAt.description, w.endsAt.description,
                    w.active ? "active" : (w.endsAt.date > Date() ? "upcoming" : "ended"), w.createdBy, w.note ?? "",
                ])
            }
            print(table.render())
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a window now; the alerts it held go out at the next dispatch.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The window's id (see maintenance list).") var id: Int64

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let id = self.id
            guard try await connection.withSession({ try MaintenanceWindowStore(session: $0).end(id: id) }) else {
                throw CLIError("no active maintenance window \(id)")
            }
            print("maintenance window \(id) ended")
        }
    }
}
