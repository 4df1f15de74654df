import ArgumentParser
import FleetModel
import ServerRuntime
import Storage

extension HerdwatchCommand {
    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign hosts to roles by hostname pattern.",
            discussion: """
                A role is a set of hosts that do the same job. Hosts join a role through shell-glob
                patterns (*, ?, [a-z]) matched against the lower-case short hostname, e.g.
                `herdwatch roles assign web 'web-*'`. A host matching two roles is a conflict and is
                treated as unassigned until resolved. Assignments apply to a host's past and future
                events alike. A host never chooses its role.
                """,
            subcommands: [Assign.self, Unassign.self, List.self])
    }
}

extension HerdwatchCommand.Roles {
    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add hostname patterns to a role, creating the role if needed.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Role name: 1 to 63 of a-z, 0-9, '_' and '-'.") var role: String
        @Argument(help: "Shell-glob hostname patterns, e.g. 'web-*'.") var patterns: [String]

        func validate() throws {
            guard !patterns.isEmpty else { throw ValidationError("give at least one hostname pattern") }
        }

        func run() async throws {
            let (role, patterns) = try parseAssignment(role: role, patterns: patterns)
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let change = try await connection.withSession { session in
                try FleetRepository(session: session).assign(role, patterns: patterns)
            }
            for pattern in change.patternsChanged { print("assigned \(pattern) to \(role)") }
            for pattern in change.patternsUnchanged { print("\(pattern) was already assigned to \(role)") }
            print("\(change.hostsChanged) host(s) changed role")
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove hostname patterns from a role.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Role name.") var role: String
        @Argument(help: "Patterns to remove, as they were assigned.") var patterns: [String]

        func validate() throws {
            guard !patterns.isEmpty else { throw ValidationError("give at least one hostname pattern") }
        }

        func run() async throws {
            let (role, patterns) = try parseAssignment(role: role, patterns: patterns)
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let change = try await connection.withSession { session in
                try FleetRepository(session: session).unassign(role, patterns: patterns)
            }
            for pattern in change.patternsChanged { print("unassigned \(pattern) from \(role)") }
            for pattern in change.patternsUnchanged { print("\(pattern) was not assigned to \(role)") }
            print("\(change.hostsChanged) host(s) changed role")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List roles with their patterns, hosts and conflicts.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            let roles = try await connection.withSession { session in try FleetRepository(session: session).roles() }
            var table = TextTable(["ROLE", "HOSTS", "CONFLICTS", "PATTERNS"])
            for role in roles {
                table.append([role.name, String(role.hosts), String(role.conflictingHosts), role.patterns.joined(separator: " ")])
            }
            print(roles.isEmpty ? "no roles yet: herdwatch roles assign ROLE PATTERN..." : table.render())
        }
    }
}

/// Validates a role name and patterns before anything touches the database.
private func parseAssignment(role: String, patterns: [String]) throws -> (RoleName, [HostPattern]) {
    do {
        return (try RoleName(role), try patterns.map { pattern throws(FleetModelError) in try HostPattern(pattern) })
    } catch {
        throw ValidationError(error.description)
    }
}
