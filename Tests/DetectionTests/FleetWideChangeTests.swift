import LibPQ
import PostgresFixture
import ServerRuntime
import Testing

@Suite("A fleet-wide change is one finding")
struct FleetWideChangeTests {
    @Test func aNewBinaryOnEveryHostOfTheRoleIsOneLowFinding() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try TrainedRole.setUp(session)
                // All at once: one pass sees every host.
                for (i, host) in TrainedRole.hosts().enumerated() { try TrainedRole.run("/usr/bin/node", on: host, serial: Int64(i), session) }
                let progress = try TrainedRole.detector.runOnce(session)
                #expect(progress.findingsCreated == 1 && progress.alertsQueued == 1)

                // One host at a time, a pass after each: the hosts join the one finding.
                for (i, host) in TrainedRole.hosts().enumerated() {
                    try TrainedRole.run("/usr/local/bin/deploy-agent", on: host, serial: Int64(10 + i), session)
                    _ = try TrainedRole.detector.runOnce(session)
                }

                let findings = try FindingRow.all(session)
                #expect(findings.map(\.subject) == ["/usr/bin/node", "/usr/local/bin/deploy-agent"])
                for finding in findings {
                    #expect(finding.kind == "exec")
                    #expect(finding.hosts == TrainedRole.hosts() && finding.hostCount == 4 && finding.eventCount == 4)
                    #expect(finding.severity < 40, "a change on every host of the role ranks low: \(finding.severity)")
                }
                let joined = try #require(findings.last)
                #expect(try FindingRow.history(joined.id, session) == ["opened", "host_joined", "host_joined", "host_joined"])
                // One alert when it opened and one per escalation (a new host joined), never one per event.
                #expect(try FindingRow.alerts(joined.id, session) == ["new", "escalation", "escalation", "escalation"])
                let label = try session.query("SELECT herdwatch.severity_label(severity) FROM herdwatch.findings WHERE id = $1", [.int64(joined.id)])
                #expect(try label.first?.decode(String.self, at: 0) == "low")
            }
        }
    }
}
