import FleetFixture
import LibPQ
import PostgresFixture
import ServerRuntime
@testable import Storage
import Testing

@Suite("The watermark never skips a row committed late")
struct WatermarkTests {
    @Test func aRowCommittedLateIsJudgedExactlyOnce() async throws {
        try await MigratedDatabase.with { database in
            let admin = try await database.connect()
            try await admin.withSession { try TrainedRole.setUp($0) }

            // An ingest that takes its sequence value now and commits later, through the real path.
            let late = try await database.connect()
            try await late.withSession { session in
                try session.execute("BEGIN")
                try session.query("SELECT herdwatch.ingest_begin()")
                var encoded: [UInt8] = []
                SyntheticEvents.exec("/usr/bin/latecomer", day: TrainedRole.testDay, serial: 5_001).appendCopyText(to: &encoded)
                _ = try session.copyFrom("COPY pg_temp.ingest_events (\(IngestRow.columns)) FROM STDIN") { try $0.appendRaw(encoded) }
                try session.query("SELECT * FROM herdwatch.ingest_commit('web-01')")
            }
            // A later sequence value, committed at once.
            try await admin.withSession { try TrainedRole.run("/usr/bin/prompt", on: "web-02", serial: 2, $0) }

            // While the ingest is open, a pass judges nothing after the watermark (the later row
            // waits too) and holds up no one: another agent's ingest goes through meanwhile.
            var detector = TrainedRole.detector
            detector.openIngestWait = .milliseconds(500)
            let connection = try await database.connect()
            let checker = detector
            let pass = Task { try await connection.withSession { try checker.runOnce($0) } }
            try await admin.withSession { try TrainedRole.run("/usr/bin/meanwhile", on: "web-03", serial: 3, $0) }
            let blocked = try await pass.value
            #expect(blocked.waitingForOpenIngest)
            #expect(blocked.judgedEvents == 0)

            try await late.execute("COMMIT")
            let first = try await connection.withSession { try checker.runOnce($0) }
            #expect(!first.waitingForOpenIngest)
            #expect(first.judgedEvents == 3)

            let second = try await connection.withSession { try checker.runOnce($0) }
            #expect(second.judgedEvents == 0 && second.findingsCreated == 0 && second.findingsJoined == 0)
            let findings = try await admin.withSession { try FindingRow.all($0) }
            #expect(Set(findings.map(\.description)) == [
                "exec /usr/bin/latecomer on web-01 [open]", "exec /usr/bin/prompt on web-02 [open]", "exec /usr/bin/meanwhile on web-03 [open]",
            ])
            #expect(findings.allSatisfy { $0.eventCount == 1 })
        }
    }
}

/// Polls `condition` until it holds or `limit` passes; returns how long it took, nil on timeout.
func poll(within limit: Duration, every interval: Duration = .milliseconds(10), _ condition: () async throws -> Bool) async throws -> Duration? {
    let clock = ContinuousClock()
    let start = clock.now
    while clock.now - start < limit {
        if try await condition() { return clock.now - start }
        try await Task.sleep(for: interval)
    }
    return nil
}
