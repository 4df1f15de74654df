import FleetModel
import FleetSimulator
import Testing

@Suite struct FleetLayoutTests {
    @Test func parsesRolesAndCounts() throws {
        let layout = try FleetLayout(parsing: "web:8,db:4,worker:6")
        #expect(layout.roles.map(\.role.rawValue) == ["web", "db", "worker"])
        #expect(layout.roles.map(\.count) == [8, 4, 6])
        #expect(layout.rolesFileText == "web web-*\ndb db-*\nworker worker-*\n")
    }

    @Test(arguments: [
        ("web:0", "count"), ("Web:3", "invalid role name"), ("web", "role:count"), ("", "empty"),
        ("web:3,web:2", "twice"), ("web:abc", "count"), ("web:1000", "count"), ("web:3,", "role:count"),
        ("web:-1", "count"), ("web:3:1", "role:count"), ("we b:2", "invalid role name"),
    ])
    func rejectsBadRoles(text: String, mentions: String) {
        do {
            _ = try FleetLayout(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(mentions), "\(error.description)")
        }
    }

    @Test func namesHostsPerRoleWithTwoDigits() throws {
        let simulation = try FleetSimulation(SampleFleet.configuration(roles: "web:2,db:1", days: 1, attacks: false))
        #expect(simulation.hosts.map(\.name) == ["web-01", "web-02", "db-01"])
        #expect(simulation.hosts.map(\.role.rawValue) == ["web", "web", "db"])
    }
}
