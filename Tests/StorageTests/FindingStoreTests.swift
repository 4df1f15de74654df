import Findings
import LibPQ
import PostgresFixture
import Storage
import Testing

@Suite struct FindingStoreTests {
    /// The database's label bands (used by `findings list --json`) and Swift's are one formula.
    @Test func severityLabelsAgreeWithTheDatabase() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let labels = try await connection.withSession { session in
                try session.query("SELECT s, herdwatch.severity_label(s) FROM generate_series(0, 100) s ORDER BY s").rows
                    .map { (try $0.decode(Int.self, at: 0), try $0.decode(String.self, at: 1)) }
            }
            #expect(labels.count == 101)
            for (score, label) in labels { #expect(Severity(score: score).label.rawValue == label, "score \(score)") }
        }
    }

    /// One finding per (role, kind, subject): a second host joins it, evidence stays bounded to
    /// the oldest and newest, and only the new finding and the join queue alerts.
    @Test func sightingsGroupIntoOneFindingWithBoundedEvidence() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let (changes, hosts, evidence, outbox) = try await connection.withSession { session in
                try session.execute("INSERT INTO herdwatch.hosts (name) VALUES ('web-01'), ('web-02')")
                let ids = try session.query("SELECT id FROM herdwatch.hosts ORDER BY name").rows.map { try $0.decode(Int64.self, at: 0) }
                let store = FindingStore(session: session, evidenceEachEnd: 2)
                var changes: [FindingStore.Change] = []
                for (index, host) in [ids[0], ids[0], ids[1]].enumerated() {
                    var sighting = FindingStore.Sighting(
                        role: "web", kind: .exec, subject: "/tmp/x", hostID: host, eventCount: 1,
                        firstSeen: PostgresTimestamp(microsecondsSinceEpoch: Int64(index) * 1_000_000),
                        lastSeen: PostgresTimestamp(microsecondsSinceEpoch: Int64(index) * 1_000_000),
                        severity: Severity(score: 50), roleHosts: 2)
                    sighting.evidence = (0..<3).map { n in
                        .document(source: "doc:\(index):\(n)", at: PostgresTimestamp(microsecondsSinceEpoch: Int64(index * 10 + n) * 1_000_000),
                                  json: #"{"n":\#(n)}"#)
                    }
                    changes.append(try session.transaction { try store.record(sighting) })
                }
                let hosts = try session.query("SELECT host_count, event_count FROM herdwatch.findings").rows
                    .map { (try $0.decode(Int.self, at: 0), try $0.decode(Int64.self, at: 1)) }
                let evidence = try session.query("SELECT source FROM herdwatch.finding_evidence ORDER BY at").rows.map { try $0.decode(String.self, at: 0) }
                let outbox = try session.query("SELECT reason FROM herdwatch.alert_outbox ORDER BY id").rows.map { try $0.decode(String.self, at: 0) }
                return (changes, hosts, evidence, outbox)
            }
            #expect(changes.map(\.created) == [true, false, false])
            #expect(changes.map(\.hostJoined) == [true, false, true])
            #expect(hosts.count == 1 && hosts[0].0 == 2 && hosts[0].1 == 3)
            #expect(evidence == ["doc:0:0", "doc:0:1", "doc:2:1", "doc:2:2"])
            #expect(outbox == ["new", "escalation"])
        }
    }
}
