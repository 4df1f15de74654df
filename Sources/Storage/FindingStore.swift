import Findings
import LibPQ

/// Writes findings: one per (role, kind, subject), joined by every further host and event, with
/// bounded evidence, a history entry for each change and an alert in the outbox for each new,
/// escalated or reopened finding, all in the caller's transaction.
///
/// The detector, the health check and the file-integrity judge all report through
/// ``record(_:)``; the unique key makes two writers at once safe.
///
/// ```swift
/// try session.transaction {
///     let change = try FindingStore(session: session).record(sighting)
/// }
/// ```
public struct FindingStore {
    let session: Session
    /// Evidence kept per finding: this many oldest and this many newest.
    public var evidenceEachEnd: Int

    public init(session: Session, evidenceEachEnd: Int = 5) {
        self.session = session
        self.evidenceEachEnd = max(1, evidenceEachEnd)
    }

    /// One host showing a finding's subject: what the judge saw.
    public struct Sighting: Sendable {
        /// The host's role; "" when it has none.
        public var role: String
        public var kind: FindingKind
        public var subject: String
        public var hostID: Int64
        public var eventCount: Int64
        public var firstSeen: PostgresTimestamp
        public var lastSeen: PostgresTimestamp
        public var severity: Severity
        public var baselineID: Int64?
        public var roleHosts: Int
        /// A JSON object merged into the finding's facts (kind-specific details), or nil.
        public var facts: String?
        public var evidence: [Evidence]
        /// When set, the severity is recomputed from it with the finding's host count once this
        /// host has joined, so a term on one host of eight ranks above a fleet-wide deploy.
        public var severityContext: Severity.Context?

        public init(
            role: String, kind: FindingKind, subject: String, hostID: Int64, eventCount: Int64,
            firstSeen: PostgresTimestamp, lastSeen: PostgresTimestamp, severity: Severity, baselineID: Int64? = nil,
            roleHosts: Int, facts: String? = nil, evidence: [Evidence] = []
        ) {
            self.role = role
            self.kind = kind
            self.subject = subject
            self.hostID = hostID
            self.eventCount = eventCount
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.severity = severity
            self.baselineID = baselineID
            self.roleHosts = roleHosts
            self.facts = facts
            self.evidence = evidence
        }
    }

    /// Evidence for a sighting.
    public enum Evidence: Sendable, Hashable {
        /// Stored events, by ingest sequence; kept in the shared event schema.
        case events([Int64])
        /// Anything else (a heartbeat, an identity record, a file state): a JSON object.
        case document(source: String, at: PostgresTimestamp, json: String)
    }

    /// What recording a sighting did.
    public struct Change: Sendable, Equatable {
        public var findingID: Int64
        public var created = false
        public var hostJoined = false
        public var escalated = false
        public var reopened = false
        /// An alert was queued.
        public var alerted = false
    }

    public func record(_ s: Sighting, actor: String = "detector") throws -> Change {
        try record([s], actor: actor)
    }

    /// Records sightings of one finding (same role, kind and subject) from several hosts at
    /// once: one history entry per joining host, one severity, at most one alert.
    public func record(_ group: [Sighting], actor: String = "detector") throws -> Change {
        guard let s = group.first else { preconditionFailure("record needs at least one sighting") }
        precondition(group.allSatisfy { $0.role == s.role && $0.kind == s.kind && $0.subject == s.subject })
        let key: [SQLParameter] = [.text(s.role), .text(s.kind.rawValue), .text(s.subject)]
        var change = Change(findingID: 0)
        var previous = try current(key)
        if previous == nil {
            let inserted = try session.query(
                """
                INSERT INTO herdwatch.findings (role, kind, subject, severity, baseline_id, role_hosts, first_seen, last_seen)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (role, kind, subject) DO NOTHING RETURNING id
                """,
                key + [.int(s.severity.score), s.baselineID.map(SQLParameter.int64) ?? .null, .int(s.roleHosts),
                       .timestamp(s.firstSeen), .timestamp(s.lastSeen)])
            if let id = try inserted.first?.decode(Int64.self, at: 0) {
                change.findingID = id
                change.created = true
                try history(id, actor: actor, action: "opened", from: nil, to: FindingStatus.open.rawValue)
            } else {
                previous = try current(key)  // Another writer created it meanwhile.
            }
        }
        var status = FindingStatus.open
        if let previous {
            change.findingID = previous.id
            status = previous.status
            let next = previous.status.afterRecurrence(snoozeOver: previous.snoozeOver)
            if next.status != previous.status {
                change.reopened = next.reopened
                try history(previous.id, actor: actor, action: next.reopened ? "reopened" : "unsnoozed",
                            from: previous.status.rawValue, to: next.status.rawValue)
                status = next.status
            }
        }
        let id = change.findingID
        for sighting in group where try join(id, sighting) {
            change.hostJoined = true
            if !change.created {
                try history(id, actor: actor, action: "host_joined", from: nil, to: nil, details: #"{"host_id":\#(sighting.hostID)}"#)
            }
        }
        let hostCount = try session.query(
            "SELECT count(*) FROM herdwatch.finding_hosts WHERE finding_id = $1", [.int64(id)]).first?.decode(Int.self, at: 0) ?? 1
        // With a context, the severity follows the finding's spread: a fleet-wide deploy ranks
        // low however it started. Without one, it only rises.
        var severity = group.map(\.severity).max()!
        if var context = group.compactMap(\.severityContext).first {
            for other in group.compactMap(\.severityContext) { context.absorb(other) }
            context.hosts = hostCount
            severity = Severity(context)
        } else if let previous {
            severity = max(severity, Severity(score: previous.severity))
        }
        if let previous {
            change.escalated = severity.score > previous.severity || (change.hostJoined && !change.created)
            if severity.score > previous.severity {
                try history(id, actor: actor, action: "escalated", from: nil, to: nil, details: #"{"severity":\#(severity.score)}"#)
            }
        }
        try session.query(
            """
            UPDATE herdwatch.findings f
            SET status = $2,
                snoozed_until = CASE WHEN $2 = 'snoozed' THEN f.snoozed_until END,
                severity = $3,
                baseline_id = coalesce($4, f.baseline_id),
                role_hosts = $5,
                event_count = f.event_count + $6,
                first_seen = least(f.first_seen, $7),
                last_seen = greatest(f.last_seen, $8),
                host_count = $9,
                updated_at = now()
            WHERE f.id = $1
            """,
            [.int64(id), .text(status.rawValue), .int(severity.score),
             group.compactMap(\.baselineID).last.map(SQLParameter.int64) ?? .null,
             .int(group.map(\.roleHosts).max()!), .int64(group.reduce(0) { $0 + $1.eventCount }),
             .timestamp(group.map(\.firstSeen).min()!), .timestamp(group.map(\.lastSeen).max()!),
             .int(hostCount)])
        for object in group.compactMap(\.facts) {
            try session.query("UPDATE herdwatch.findings SET facts = facts || $2 WHERE id = $1", [.int64(id), .jsonb(object)])
        }
        try addEvidence(id, group.flatMap(\.evidence))
        let reason = change.created ? "new" : change.reopened ? "reopened" : change.escalated ? "escalation" : nil
        if let reason, status.alerts {
            try session.query(
                """
                INSERT INTO herdwatch.alert_outbox (finding_id, reason, severity, host_count)
                SELECT id, $2, severity, host_count FROM herdwatch.findings WHERE id = $1
                """, [.int64(id), .text(reason)])
            change.alerted = true
        }
        return change
    }

    /// Adds one host's sighting to the finding; true when the host is new to it.
    private func join(_ id: Int64, _ s: Sighting) throws -> Bool {
        let joined = try session.query(
            """
            INSERT INTO herdwatch.finding_hosts (finding_id, host_id, event_count, first_seen, last_seen)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (finding_id, host_id) DO UPDATE
            SET event_count = finding_hosts.event_count + EXCLUDED.event_count,
                first_seen = least(finding_hosts.first_seen, EXCLUDED.first_seen),
                last_seen = greatest(finding_hosts.last_seen, EXCLUDED.last_seen)
            RETURNING (xmax = 0) AS inserted
            """,
            [.int64(id), .int64(s.hostID), .int64(s.eventCount), .timestamp(s.firstSeen), .timestamp(s.lastSeen)])
        return try joined.first?.decode(Bool.self, at: 0) ?? false
    }

    private struct Current {
        var id: Int64
        var status: FindingStatus
        var severity: Int
        var snoozeOver: Bool
    }

    private func current(_ key: [SQLParameter]) throws -> Current? {
        guard let row = try session.query(
            """
            SELECT id, status, severity, coalesce(snoozed_until <= now(), true)
            FROM herdwatch.findings WHERE role = $1 AND kind = $2 AND subject = $3 FOR UPDATE
            """, key).first else { return nil }
        return Current(
            id: try row.decode(at: 0), status: FindingStatus(rawValue: try row.decode(at: 1)) ?? .open,
            severity: try row.decode(at: 2), snoozeOver: try row.decode(at: 3))
    }

    private func addEvidence(_ id: Int64, _ evidence: [Evidence]) throws {
        guard !evidence.isEmpty else { return }
        for item in evidence {
            switch item {
            case .events(let seqs) where !seqs.isEmpty:
                try session.query(
                    """
                    INSERT INTO herdwatch.finding_evidence (finding_id, source, host_id, at, event)
                    SELECT $1, 'event:' || e.ingest_seq, e.host_id, e.event_time, herdwatch.event_document(e, h.name)
                    FROM herdwatch.events e JOIN herdwatch.hosts h ON h.id = e.host_id
                    WHERE e.ingest_seq = ANY ($2::bigint[])
                    ON CONFLICT DO NOTHING
                    """, [.int64(id), .text("{" + seqs.map(String.init).joined(separator: ",") + "}")])
            case .events:
                continue
            case .document(let source, let at, let json):
                try session.query(
                    """
                    INSERT INTO herdwatch.finding_evidence (finding_id, source, at, event) VALUES ($1, $2, $3, $4)
                    ON CONFLICT DO NOTHING
                    """, [.int64(id), .text(source), .timestamp(at), .jsonb(json)])
            }
        }
        try session.query(
            """
            DELETE FROM herdwatch.finding_evidence d
            WHERE d.finding_id = $1
              AND d.source NOT IN (SELECT source FROM herdwatch.finding_evidence WHERE finding_id = $1 ORDER BY at, source LIMIT $2)
              AND d.source NOT IN (SELECT source FROM herdwatch.finding_evidence WHERE finding_id = $1 ORDER BY at DESC, source DESC LIMIT $2)
            """, [.int64(id), .int(evidenceEachEnd)])
    }

    func history(_ id: Int64, actor: String, action: String, from: String?, to: String?, note: String? = nil, details: String = "{}") throws {
        try session.query(
            """
            INSERT INTO herdwatch.finding_history (finding_id, actor, action, from_status, to_status, note, details)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [.int64(id), .text(actor), .text(action), .optional(from), .optional(to), .optional(note), .jsonb(details)])
    }
}
