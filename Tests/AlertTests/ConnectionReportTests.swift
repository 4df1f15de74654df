import FleetModel
import FleetSimulator
import Foundation
import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import Testing

@Suite("herdwatch report connections")
struct ConnectionReportTests {
    /// 2026-11-21T00:00:00Z: the simulation's end, so the last simulated day is the 20th.
    /// Enriched logs (`AUID="alice"`), so the agent-side user names are there to report.
    static let end = Date(timeIntervalSince1970: 1_795_219_200)

    static func loadFleet(_ session: Session) throws {
        let simulation = try FleetSimulation(SimulationConfiguration(
            layout: try FleetLayout(parsing: "web:3,worker:2"), days: 1, end: end, attacks: true, format: .enriched, seed: 7))
        for host in simulation.hosts {
            var bytes: [UInt8] = []
            simulation.writeLog(of: host) { bytes += $0 }
            var loader = AuditLogLoader(hostname: host.name)
            try loader.bytesReceived(bytes, session: session)
            _ = try loader.finish(session: session)
        }
        let fleet = FleetRepository(session: session)
        _ = try fleet.assign(try RoleName("web"), patterns: [try HostPattern("web-*")])
        _ = try fleet.assign(try RoleName("worker"), patterns: [try HostPattern("worker-*")])
    }

    @Test func theDropperConnectionNamesItsProcessAndUser() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { try Self.loadFleet($0) }
            let url = database.conninfo
            let json = try Herdwatch.run(
                "report", "connections", "--since", "2026-11-20T00:00:00Z", "--until", "2026-11-21T00:00:00Z", "--json",
                "--database-url", url)
            #expect(json.exitCode == 0, "\(json.standardError)")
            let destinations = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as! [[String: Any]]
            #expect(!destinations.isEmpty)
            let dropper = try #require(destinations.first {
                $0["address"] as? String == "203.0.113.66" && ($0["port"] as? NSNumber)?.intValue == 1337
            })
            #expect(dropper["processes"] as? [String] == ["/tmp/.x/kworkerd"])
            #expect((dropper["host_count"] as? NSNumber)?.intValue == 1)
            let users = dropper["users"] as! [[String: Any]]
            // alice logged in and ran the implant from her own shell: uid and auid are hers.
            #expect(users.contains { $0["auid_name"] as? String == "alice" && $0["uid_name"] as? String == "alice" })
            #expect(!destinations.contains { ($0["address"] as? String)?.hasPrefix("127.") == true })
            // The simulated resolver and chronyd use UDP sockets (socket(2) records): not TCP connections.
            #expect(!destinations.contains { [53, 123].contains(($0["port"] as? NSNumber)?.intValue ?? 0) })

            let table = try Herdwatch.run(
                "report", "connections", "--since", "2026-11-20T00:00:00Z", "--until", "2026-11-21T00:00:00Z", "--database-url", url)
            let lines = table.standardOutput.split(separator: "\n")
            #expect(lines.first?.hasPrefix("\(destinations.count) unique destinations from ") == true)
            #expect(lines.first?.hasSuffix(" hosts from 2026-11-20T00:00:00.000000Z to 2026-11-21T00:00:00.000000Z") == true)
            let row = try #require(lines.first { $0.hasPrefix("203.0.113.66:1337 ") })
            #expect(row.contains("/tmp/.x/kworkerd"))
            #expect(row.contains(" alice "))

            let web = try Herdwatch.run(
                "report", "connections", "--since", "2026-11-20T00:00:00Z", "--until", "2026-11-21T00:00:00Z", "--role", "db",
                "--json", "--database-url", url)
            #expect(web.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
            let recent = try Herdwatch.run("report", "connections", "--since", "1h", "--database-url", url)
            #expect(recent.standardOutput.hasPrefix("0 unique destinations from 0 hosts in the last 1h"))
        }
    }
}
