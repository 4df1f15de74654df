import Baselining
import FleetFixture
import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import Testing

@Suite("Connect terms carry the socket's transport")
struct TransportTests {
    static let resolved = "/usr/lib/systemd/systemd-resolved"

    /// Trained on DNS over UDP: the same lookup over UDP is known; over TCP, or from an agent
    /// that did not know the transport (read as TCP), it is a new destination.
    @Test func udpBaselineDoesNotCoverTCP() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try TrainedRole.setUp(session) { session in
                    for host in TrainedRole.hosts() {
                        let rows = TrainedRole.trainingDays.map { day in
                            SyntheticEvents.connect("10.0.0.2", port: 53, proto: "udp", exe: Self.resolved, day: day, serial: 500 + Int64(day))
                        }
                        try SyntheticEvents.ship(rows, host: host, session)
                    }
                }
                let day = TrainedRole.testDay
                try SyntheticEvents.ship([
                    SyntheticEvents.connect("10.0.0.2", port: 53, proto: "udp", exe: Self.resolved, day: day, serial: 2_001),
                    SyntheticEvents.connect("10.0.0.2", port: 53, proto: "tcp", exe: Self.resolved, day: day, serial: 2_002),
                ], host: "web-01", session)
                try SyntheticEvents.ship([
                    SyntheticEvents.connect("10.0.0.2", port: 53, exe: Self.resolved, day: day, serial: 2_003),
                ], host: "web-02", session)
                // Its own detector: the shared one caches role judges by baseline id, and parallel
                // tests' "web" baseline 1 (execs only) would stand in for this one.
                let detector = Detector(
                    canonicalization: try TermCanonicalization(), health: HealthCheck(silenceThreshold: .seconds(365 * 86_400)))
                _ = try detector.runOnce(session)
                let findings = try FindingRow.all(session)
                #expect(findings.map(\.description) == ["connect 10.0.0.2:53/tcp \(Self.resolved) on web-01,web-02 [open]"])
            }
        }
    }
}
