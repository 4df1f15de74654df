import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import FleetFixture
import Testing

@Suite("Two detectors at once")
struct ConcurrentDetectorTests {
    /// What the detectors wrote, summed.
    struct Totals: Equatable, Sendable {
        var judgedEvents: Int64
        var findings: [FindingRow]
        var findingHosts: Int
        var evidence: Int
        var history: Int
        var alerts: Int
        var watermark: Int64
    }

    @Test func twoDetectorsAtOnceWriteWhatOneWrites() async throws {
        let one = try await MigratedDatabase.with { try await Self.scenario($0, detectors: 1) }
        let two = try await MigratedDatabase.with { try await Self.scenario($0, detectors: 2) }
        #expect(one.findings.count == 30)
        #expect(one.judgedEvents == 120)
        #expect(two == one)
    }

    /// 120 events of 30 new binaries on the role's four hosts, in 40 small batches, judged in
    /// chunks of 7 by `detectors` detectors on their own connections at once.
    static func scenario(_ database: TestDatabase, detectors: Int) async throws -> Totals {
        let setup = try await database.connect()
        try await setup.withSession { session in
            try TrainedRole.setUp(session)
            let hosts = TrainedRole.hosts()
            for batch in 0..<40 {
                var rows: [IngestRow] = []
                for i in 0..<3 {
                    let n = batch * 3 + i
                    rows.append(SyntheticEvents.exec("/opt/tools/tool-\(n % 30)", day: TrainedRole.testDay, serial: Int64(1_000 + n)))
                }
                try SyntheticEvents.ship(rows, host: hosts[batch % 4], session)
            }
        }
        var chunked = TrainedRole.detector
        chunked.chunkSize = 7
        let detector = chunked
        let judged = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<detectors {
                group.addTask {
                    let connection = try await database.connect()
                    return try await connection.withSession { try detector.runOnce($0).judgedEvents }
                }
            }
            return try await group.reduce(0, +)
        }
        return try await setup.withSession { session in
            func count(_ table: String) throws -> Int {
                try session.query("SELECT count(*) FROM herdwatch.\(table)").first!.decode(Int.self, at: 0)
            }
            return Totals(
                judgedEvents: judged,
                // Ids depend on who inserted first; compare the rest.
                findings: try FindingRow.all(session).map { var f = $0; f.id = 0; return f }.sorted { $0.subject < $1.subject },
                findingHosts: try count("finding_hosts"), evidence: try count("finding_evidence"), history: try count("finding_history"),
                alerts: try count("alert_outbox"),
                watermark: try session.query("SELECT through_seq FROM herdwatch.detector_watermark").first!.decode(Int64.self, at: 0))
        }
    }
}
