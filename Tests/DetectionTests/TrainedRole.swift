import Baselining
import FleetFixture
import FleetModel
import LibPQ
import ServerRuntime
import Storage

/// A role of four hosts (`web-01`…`web-04`) trained on three days of hand-made events, for
/// exact expectations: everything but `/usr/sbin/nginx` and `/usr/bin/bash` is new to it.
enum TrainedRole {
    /// The day after the training window; its events are judged.
    static let testDay = SimulatedFleet.endDay - 1
    static let trainingDays = (testDay - 3)..<testDay
    static let known = ["/usr/sbin/nginx", "/usr/bin/bash"]

    static func hosts(_ role: String = "web") -> [String] { (1...4).map { "\(role)-0\($0)" } }

    /// A detector whose silence check stays quiet: hand-made hosts report only now and then.
    static let detector = Detector(
        canonicalization: try! TermCanonicalization(), health: HealthCheck(silenceThreshold: .seconds(365 * 86_400)))

    /// Assigns `role` its hosts, ships their training days, calls `before` (events stored
    /// before the baseline is built), then trains and activates the role's baseline.
    static func setUp(_ session: Session, role: String = "web", before: (Session) throws -> Void = { _ in }) throws {
        try shipTrainingDays(session, role: role)
        try before(session)
        try train(session, role: role)
    }

    static func shipTrainingDays(_ session: Session, role: String) throws {
        _ = try FleetRepository(session: session).assign(try RoleName(role), patterns: [try HostPattern("\(role)-*")])
        for host in hosts(role) {
            var rows: [IngestRow] = []
            for day in trainingDays {
                for (i, exe) in known.enumerated() {
                    rows.append(SyntheticEvents.exec(exe, day: day, serial: Int64((day - trainingDays.lowerBound) * 10 + i)))
                }
            }
            try SyntheticEvents.ship(rows, host: host, session)
        }
    }

    static func train(_ session: Session, role: String) throws {
        let training = BaselineTraining(learner: Learner(), rollup: ObservationRollup(canonicalization: try TermCanonicalization()))
        _ = try training.train(
            roles: [role], firstDay: trainingDays.lowerBound, endDay: testDay, activate: true, session: session)
    }

    /// One execution of `exe` on `host` on the test day; `serial` keeps events apart.
    static func run(_ exe: String, on host: String, serial: Int64, day: Int = testDay, _ session: Session) throws {
        try SyntheticEvents.ship([SyntheticEvents.exec(exe, day: day, serial: 1_000 + serial)], host: host, session)
    }
}

/// A finding as the tests compare it.
struct FindingRow: Sendable, Equatable, CustomStringConvertible {
    var id: Int64
    var kind: String
    var subject: String
    var status: String
    var hosts: [String]
    var hostCount: Int
    var eventCount: Int64
    var severity: Int

    var description: String { "\(kind) \(subject) on \(hosts.joined(separator: ",")) [\(status)]" }

    static func all(_ session: Session) throws -> [FindingRow] {
        try session.query(
            """
            SELECT f.id, f.kind, f.subject, f.status, coalesce(string_agg(h.name, ',' ORDER BY h.name), ''),
                   f.host_count, f.event_count, f.severity
            FROM herdwatch.findings f
            LEFT JOIN herdwatch.finding_hosts fh ON fh.finding_id = f.id
            LEFT JOIN herdwatch.hosts h ON h.id = fh.host_id
            GROUP BY f.id ORDER BY f.id
            """
        ).rows.map { r in
            FindingRow(
                id: try r.decode(at: 0), kind: try r.decode(at: 1), subject: try r.decode(at: 2), status: try r.decode(at: 3),
                hosts: try r.decode(String.self, at: 4).split(separator: ",").map(String.init), hostCount: try r.decode(at: 5),
                eventCount: try r.decode(at: 6), severity: try r.decode(at: 7))
        }
    }

    /// The finding's history actions, oldest first.
    static func history(_ id: Int64, _ session: Session) throws -> [String] {
        try session.query("SELECT action FROM herdwatch.finding_history WHERE finding_id = $1 ORDER BY id", [.int64(id)])
            .rows.map { try $0.decode(String.self, at: 0) }
    }

    /// The reasons of the finding's queued alerts, oldest first.
    static func alerts(_ id: Int64, _ session: Session) throws -> [String] {
        try session.query("SELECT reason FROM herdwatch.alert_outbox WHERE finding_id = $1 ORDER BY id", [.int64(id)])
            .rows.map { try $0.decode(String.self, at: 0) }
    }
}
