import Foundation
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
            try await changeAssignment(global, role: role, patterns: patterns, done: "assigned %@ to", unchanged: "%@ was already assigned to") {
                try $0.assign($1, patterns: $2)
            }
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
            try await changeAssignment(global, role: role, patterns: patterns, done: "unassigned %@ from", unchanged: "%@ was not assigned to") {
                try $0.unassign($1, patterns: $2)
            }
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

/// Validates the role and patterns before anything touches the database, applies `change`,
/// and reports each pattern; `done` and `unchanged` are phrases with `%@` for the pattern.
private func changeAssignment(
    _ global: GlobalOptions, role: String, patterns: [String], done: String, unchanged: String,
    _ change: @escaping @Sendable (FleetRepository, RoleName, [HostPattern]) throws -> FleetRepository.AssignmentChange
) async throws {
    let parsedRole: RoleName
    let parsedPatterns: [HostPattern]
    do {
        parsedRole = try RoleName(role)
        parsedPatterns = try patterns.map { pattern throws(FleetModelError) in try HostPattern(pattern) }
    } catch {
        throw ValidationError(error.description)
    }
    let settings = try global.resolve()
    let connection = try await global.connect(settings)
    let result = try await connection.withSession { session in
        try change(FleetRepository(session: session), parsedRole, parsedPatterns)
    }
    for pattern in result.patternsChanged { print(done.replacingOccurrences(of: "%@", with: pattern) + " \(parsedRole)") }
    for pattern in result.patternsUnchanged { print(unchanged.replacingOccurrences(of: "%@", with: pattern) + " \(parsedRole)") }
    print("\(result.hostsChanged) host(s) changed role")
}
