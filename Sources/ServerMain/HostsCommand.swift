import ArgumentParser
import FleetModel
import ServerRuntime
import Storage

extension HerdwatchCommand {
    struct Hosts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register and list the fleet's hosts.",
            subcommands: [Add.self, List.self])
    }
}

extension HerdwatchCommand.Hosts {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register hosts the fleet expects, so a host that never reports is noticed.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Host names (as the hosts report them).") var names: [String]

        func validate() throws {
            guard !names.isEmpty else { throw ValidationError("give at least one host name") }
            for name in names {
                do { _ = try HostName.normalized(name) } catch { throw ValidationError(error.description) }
            }
        }

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let names = self.names
            let added = try await connection.withSession { session in
                try FleetRepository(session: session).register(hosts: names)
            }
            print("registered \(added.count) new host(s)\(added.isEmpty ? "" : ": " + added.joined(separator: " "))")
            if added.count < names.count { print("\(names.count - added.count) were known already") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List hosts with their role and when they were first and last seen.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only hosts of this role (including hosts in conflict over it).") var role: String?

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let role = self.role
            let hosts = try await connection.withSession { session in try FleetRepository(session: session).hosts(role: role) }
            var table = TextTable(["HOST", "ROLE", "REGISTERED", "FIRST SEEN", "LAST SEEN", "AGENT", "LOST", "SPOOL"])
            for host in hosts {
                let roleText = host.isConflict ? "conflict: \(host.matchingRoles.joined(separator: ", "))" : host.role ?? "-"
                table.append([
                    host.name, roleText, host.registered ? "yes" : "no",
                    host.firstSeen.map(\.description) ?? "-", host.lastSeen.map(\.description) ?? "-",
                    host.agentVersion ?? "-", host.kernelLost.map(String.init) ?? "-",
                    host.spoolBytes.map(ByteCount.text) ?? "-",
                ])
            }
            print(hosts.isEmpty ? "no hosts yet" : table.render())
        }
    }
}
