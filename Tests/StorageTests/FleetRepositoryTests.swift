import FleetModel
import LibPQ
import PostgresFixture
import Storage
import Testing

@Suite("Roles, patterns and hosts")
struct FleetRepositoryTests {
    func role(_ name: String) throws -> RoleName { try RoleName(name) }
    func patterns(_ globs: String...) throws -> [HostPattern] { try globs.map { try HostPattern($0) } }

    @Test func patternsAssignRolesBeforeAndAfterHostsArrive() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let fleet = FleetRepository(session: session)
                // A host that reported before any role existed…
                _ = try EventIngest.ingest([EventIngestTests.row(1)], hostname: "WEB-01.prod.example.com", machineID: nil, session: session)
                #expect(try fleet.hosts().map(\.role) == [nil])

                // …gets its role when a pattern appears, and a host that arrives later gets it at once.
                let change = try fleet.assign(try role("web"), patterns: try patterns("web-*", "WEB-*"))
                #expect(change.patternsChanged == ["web-*"])
                #expect(change.patternsUnchanged == ["web-*"])
                #expect(change.hostsChanged == 1)
                _ = try EventIngest.ingest([EventIngestTests.row(1)], hostname: "web-02", machineID: nil, session: session)
                #expect(try fleet.hosts().map(\.role) == ["web", "web"])

                // A registered host that never reported is listed, unassigned.
                #expect(try fleet.register(hosts: ["db-01", "web-02"]) == ["db-01"])
                let hosts = try fleet.hosts()
                #expect(hosts.map(\.name) == ["db-01", "web-01.prod.example.com", "web-02"])
                #expect(hosts.map(\.registered) == [true, false, true])
                #expect(hosts[0].role == nil && hosts[0].lastSeen == nil)
                #expect(hosts[1].lastSeen != nil)
            }
        }
    }

    @Test func aHostMatchingTwoRolesIsAConflictUntilResolved() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let fleet = FleetRepository(session: session)
                _ = try fleet.register(hosts: ["web-01", "web-db-01", "db-01"])
                _ = try fleet.assign(try role("web"), patterns: try patterns("web-*"))
                _ = try fleet.assign(try role("db"), patterns: try patterns("*db-0[1-9]"))

                var hosts = try fleet.hosts()
                #expect(hosts.map(\.role) == ["db", "web", nil])
                #expect(hosts[2].isConflict && hosts[2].matchingRoles == ["db", "web"])
                let roles = try fleet.roles()
                #expect(roles.map(\.name) == ["db", "web"])
                #expect(roles.map(\.hosts) == [1, 1])
                #expect(roles.map(\.conflictingHosts) == [1, 1])
                #expect(try fleet.hosts(role: "db").map(\.name) == ["db-01", "web-db-01"])

                // Unassigning the broader pattern resolves the conflict.
                let change = try fleet.unassign(try role("db"), patterns: try patterns("*db-0[1-9]", "nope-*"))
                #expect(change.patternsChanged == ["*db-0[1-9]"])
                #expect(change.patternsUnchanged == ["nope-*"])
                _ = try fleet.assign(try role("db"), patterns: try patterns("db-*"))
                hosts = try fleet.hosts()
                #expect(hosts.map(\.role) == ["db", "web", "web"])
                #expect(hosts.allSatisfy { !$0.isConflict })
            }
        }
    }

    @Test func globsMatchOnlyTheShortNameAndWholeName() throws {
        let pattern = try HostPattern("Web-0?")
        #expect(pattern.glob == "web-0?")
        #expect(pattern.regularExpression == "^web-0[^.]$")
        #expect(try HostPattern("db-[!0-4]").regularExpression == "^db-[^0-4]$")
        #expect(throws: FleetModelError.self) { try HostPattern("web-[0-9") }
        #expect(throws: FleetModelError.self) { try HostPattern("web;drop") }
        #expect(throws: FleetModelError.self) { try HostPattern("") }
        #expect(throws: FleetModelError.self) { try RoleName("Web") }
        #expect(throws: FleetModelError.self) { try RoleName(String(repeating: "a", count: 64)) }
        #expect(try RoleName("web_front-2").rawValue == "web_front-2")
    }
}
