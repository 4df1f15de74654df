import Findings
import Foundation
import LibPQ
import Storage

/// Judges agent health and host silence, which no event shows: silent hosts, heartbeats that
/// report loss or tampering, writes refused because a login wrote as another host, and snoozes
/// that ran out. Runs on every detector pass; each condition is recorded once per episode.
public struct HealthCheck: Sendable {
    /// A host is silent after this long without an event or heartbeat.
    public var silenceThreshold: Duration

    public init(silenceThreshold: Duration = .seconds(600)) {
        self.silenceThreshold = silenceThreshold
    }

    public struct Progress: Sendable, Equatable {
        public var silentHosts = 0
        public var heartbeatConditions = 0
        public var identityConditions = 0
        public var unsnoozed = 0
        public init() {}
    }

    public func run(_ session: Session) throws -> Progress {
        var progress = Progress()
        try session.transaction {
            let store = HealthStore(session: session)
            let findings = FindingStore(session: session)
            let sizes = try DetectorStore(session: session).roleSizes()
            progress.unsnoozed = try store.endSnoozes()
            for host in try store.silentHosts(threshold: silenceThreshold) {
                let at = host.lastActivity ?? host.createdAt
                var sighting = FindingStore.Sighting(
                    role: host.role ?? "", kind: .hostSilent, subject: host.name, hostID: host.id, eventCount: 0,
                    firstSeen: at, lastSeen: host.reference, severity: Severity(Severity.Context(kind: .hostSilent, hosts: 1, roleHosts: 0)),
                    roleHosts: sizes[host.role ?? ""] ?? 0,
                    facts: #"{"silent_since_us":\#(at.microsecondsSinceEpoch)}"#)
                sighting.evidence = [.document(
                    source: "silence:\(host.id):\(at.microsecondsSinceEpoch)", at: at,
                    json: host.evidenceJSON)]
                _ = try findings.record(sighting, actor: "health-check")
                progress.silentHosts += 1
            }
            for beat in try store.newHeartbeats() {
                for condition in HeartbeatJudgement.conditions(previous: beat.previous, current: beat.current) {
                    let sighting = FindingStore.Sighting(
                        role: beat.role ?? "", kind: condition.kind, subject: condition.subject, hostID: beat.hostID,
                        eventCount: condition.amount, firstSeen: beat.at, lastSeen: beat.at,
                        severity: Severity(Severity.Context(kind: condition.kind, hosts: 1, roleHosts: 0)),
                        roleHosts: sizes[beat.role ?? ""] ?? 0,
                        evidence: [.document(source: "heartbeat:\(beat.hostID):\(beat.at.microsecondsSinceEpoch)", at: beat.at, json: beat.evidenceJSON)])
                    _ = try findings.record(sighting, actor: "health-check")
                    progress.heartbeatConditions += 1
                }
                try store.remember(beat)
            }
            for event in try store.newIdentityEvents() {
                guard let hostID = event.hostID else { continue }
                let subject = event.kind == "foreign_host_refused" ? "foreign_host_write by \(event.login)" : "hostname_changed"
                let sighting = FindingStore.Sighting(
                    role: event.role ?? "", kind: .auditTamper, subject: subject, hostID: hostID, eventCount: 1,
                    firstSeen: event.at, lastSeen: event.at,
                    severity: Severity(Severity.Context(kind: .auditTamper, hosts: 1, roleHosts: 0)),
                    roleHosts: sizes[event.role ?? ""] ?? 0,
                    evidence: [.document(source: "identity:\(event.id)", at: event.at, json: event.evidenceJSON)])
                _ = try findings.record(sighting, actor: "health-check")
                progress.identityConditions += 1
            }
        }
        return progress
    }
}
