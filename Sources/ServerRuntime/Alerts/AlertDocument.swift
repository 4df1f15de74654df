import Foundation
import Findings
import LibPQ
import Storage

/// The JSON-lines sink's document: one object per alert, for SIEMs.
///
/// ```json
/// {"alert_id":7,"finding":{"baseline_version":3,"event_count":4,"first_seen":"2026-11-20T10:00:00.000000Z",
///  "host_count":1,"hosts":["web-03"],"id":12,"kind":"exec","last_seen":"…","prevalence":{"hosts":1,"role_hosts":8},
///  "role":"web","severity":{"label":"high","score":78},"status":"open","subject":"/tmp/x"},
///  "reason":"new","sent_at":"2026-11-20T10:00:05.123456Z"}
/// ```
/// Keys are sorted so equal alerts are equal bytes. Times are RFC 3339 in UTC; `first_seen`
/// and `last_seen` are event times, `sent_at` is when the line was written.
/// The finding fields match `herdwatch findings list --json`, without the evidence.
struct AlertDocument: Encodable, Equatable {
    struct Finding: Encodable, Equatable {
        struct SeverityValue: Encodable, Equatable {
            var score: Int
            var label: String
        }
        struct Prevalence: Encodable, Equatable {
            var hosts: Int
            var role_hosts: Int
        }
        var id: Int64
        var kind: String
        var role: String
        var subject: String
        var status: String
        var severity: SeverityValue
        var hosts: [String]
        var host_count: Int
        var prevalence: Prevalence
        var event_count: Int64
        var first_seen: String
        var last_seen: String
        var baseline_version: Int64?

        // Encodes `baseline_version: null` rather than leaving the key out, so every line has
        // the same keys.
        func encode(to encoder: any Encoder) throws {
            enum Key: String, CodingKey {
                case id, kind, role, subject, status, severity, hosts, host_count, prevalence, event_count,
                    first_seen, last_seen, baseline_version
            }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(id, forKey: .id)
            try c.encode(kind, forKey: .kind)
            try c.encode(role, forKey: .role)
            try c.encode(subject, forKey: .subject)
            try c.encode(status, forKey: .status)
            try c.encode(severity, forKey: .severity)
            try c.encode(hosts, forKey: .hosts)
            try c.encode(host_count, forKey: .host_count)
            try c.encode(prevalence, forKey: .prevalence)
            try c.encode(event_count, forKey: .event_count)
            try c.encode(first_seen, forKey: .first_seen)
            try c.encode(last_seen, forKey: .last_seen)
            try c.encode(baseline_version, forKey: .baseline_version)
        }
    }

    var alert_id: Int64
    var reason: String
    var finding: Finding
    var sent_at: String

    init(_ alert: PendingAlert, sentAt: PostgresTimestamp) {
        alert_id = alert.outboxID
        reason = alert.reason
        finding = Finding(
            id: alert.findingID, kind: alert.kind, role: alert.role, subject: alert.subject, status: alert.status,
            severity: .init(score: alert.severity, label: Severity(score: alert.severity).label.rawValue),
            hosts: alert.hosts, host_count: alert.hostCount,
            prevalence: .init(hosts: alert.hostCount, role_hosts: alert.roleHosts), event_count: alert.eventCount,
            first_seen: alert.firstSeen.description, last_seen: alert.lastSeen.description,
            baseline_version: alert.baselineVersion)
        sent_at = sentAt.description
    }

    /// The document as one line of JSON, without the trailing newline. Host-supplied text is
    /// escaped by the encoder, so a subject holding a newline cannot split the line.
    func line() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain values cannot fail.
        let data = try! encoder.encode(self)
        return String(decoding: data, as: UTF8.self)
    }
}
