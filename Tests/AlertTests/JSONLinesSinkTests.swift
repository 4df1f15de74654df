import Foundation
import Logging
import PostgresFixture
import Storage
import Testing

@testable import ServerRuntime

@Suite("JSON-lines alert sink")
struct JSONLinesSinkTests {
    @Test func oneLinePerOutboxRowAndNothingTwice() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let outbox = try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                try AlertFixtures.sighting(session, subject: "/tmp/.x/kworkerd", hostID: hosts["web-01"]!, host: "web-01")
                // The same term on the same host again: no alert. On a second host: an escalation.
                try AlertFixtures.sighting(session, subject: "/tmp/.x/kworkerd", hostID: hosts["web-01"]!, host: "web-01")
                try AlertFixtures.sighting(session, subject: "/tmp/.x/kworkerd", hostID: hosts["web-02"]!, host: "web-02")
                try AlertFixtures.sighting(session, role: "db", subject: "/usr/bin/nc", hostID: hosts["db-01"]!, host: "db-01")
                return try AlertFixtures.outboxIDs(session)
            }
            #expect(outbox.count == 3)
            let path = AlertFixtures.temporaryPath("alerts.jsonl")
            defer { unlink(path) }
            let dispatcher = AlertDispatcher(sinks: [JSONLinesSink(path: path)], connection: connection, logger: Logger(label: "test"))

            let first = try await dispatcher.runOnce()
            #expect(first.map(\.delivered) == [3])
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 3)
            let documents = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            #expect(documents.map { ($0["alert_id"] as! NSNumber).int64Value } == outbox)
            #expect(documents.map { $0["reason"] as! String } == ["new", "escalation", "new"])
            let finding = documents[1]["finding"] as! [String: Any]
            #expect(finding["hosts"] as! [String] == ["web-01", "web-02"])
            #expect(finding["host_count"] as! Int == 2)
            #expect((finding["prevalence"] as! [String: Any])["role_hosts"] as! Int == 3)
            #expect((finding["severity"] as! [String: Any])["label"] as! String == "medium")
            #expect(finding["subject"] as! String == "/tmp/.x/kworkerd")
            #expect(finding["first_seen"] as! String == "2026-11-20T00:00:00.000000Z")
            #expect(finding.keys.contains("baseline_version"))

            let second = try await dispatcher.runOnce()
            #expect(second.map(\.delivered) == [0])
            #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 3)
            let recorded = try await connection.withSession { try AlertFixtures.deliveries($0, sink: "jsonl") }
            #expect(recorded.map(\.0) == outbox)
            #expect(recorded.allSatisfy { $0.1 == "delivered" })
        }
    }

    @Test func alertsSendCommandWritesToStandardOutput() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                try AlertFixtures.sighting(session, subject: "/tmp/x\ny", hostID: hosts["web-03"]!, host: "web-03")
            }
            let run = try Herdwatch.run("alerts", "send", "--once", "--jsonl-path", "-", "--database-url", database.conninfo)
            #expect(run.exitCode == 0, "\(run.standardError)")
            let lines = run.standardOutput.split(separator: "\n")
            #expect(lines.count == 1)  // the newline in the subject is escaped, not written
            #expect(lines.first?.contains(#""subject":"/tmp/x\ny""#) == true)
            #expect(run.standardError.contains("jsonl: 1 delivered, 0 dropped, 0 failed, 0 held"))
            let again = try Herdwatch.run("alerts", "send", "--database-url", database.conninfo,
                                          environment: ["HERDWATCH_ALERTS_JSONL_PATH": "-"])
            #expect(again.standardOutput.isEmpty)
            let none = try Herdwatch.run("alerts", "send", "--database-url", database.conninfo)
            #expect(none.exitCode == 1)
            #expect(none.standardError.contains("no alert sink configured"))
        }
    }
}
