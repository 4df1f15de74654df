import LibPQ
import FleetModel

/// The SQL side of the health check: silent hosts, heartbeats not judged yet, identity records
/// after the health watermark, and snoozes that ran out. Call inside one transaction.
public struct HealthStore {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    public struct SilentHost: Sendable {
        public var id: Int64
        public var name: String
        public var role: String?
        public var createdAt: PostgresTimestamp
        /// The newest event time or heartbeat; nil when the host never reported.
        public var lastActivity: PostgresTimestamp?
        /// What the silence is measured against.
        public var reference: PostgresTimestamp
        public var evidenceJSON: String
    }

    /// Hosts the fleet knows (registered, or having reported) that are silent for longer than
    /// `threshold` and not yet recorded for this episode of silence.
    ///
    /// A host with an agent (heartbeats) is measured against the present. A host whose events
    /// were loaded from logs (no heartbeats) is measured against the newest activity of its role,
    /// so a replayed week does not make every host silent, while one host stopping hours before
    /// its peers does. A registered host that never reported is silent once registered that long.
    public func silentHosts(threshold: Duration) throws -> [SilentHost] {
        let seconds = threshold.inSeconds
        return try session.query(
            """
            WITH known AS (
                SELECT id, name, role, created_at, last_heartbeat, greatest(last_seen, last_heartbeat) AS last_activity
                FROM herdwatch.hosts WHERE registered OR last_report IS NOT NULL
            ), reference AS (
                SELECT coalesce(role, '') AS role, least(max(last_activity), now()) AS newest FROM known GROUP BY 1
            ), silent AS (
                SELECT k.*, CASE WHEN k.last_heartbeat IS NOT NULL OR k.last_activity IS NULL THEN now() ELSE r.newest END AS measured_at
                FROM known k JOIN reference r ON r.role = coalesce(k.role, '')
            )
            SELECT s.id, s.name, s.role, s.created_at, s.last_activity, s.measured_at,
                   jsonb_build_object('host', s.name, 'last_activity', s.last_activity, 'last_heartbeat', s.last_heartbeat,
                                      'measured_at', s.measured_at,
                                      'measured_against', CASE WHEN s.last_heartbeat IS NOT NULL OR s.last_activity IS NULL
                                                               THEN 'now' ELSE 'newest activity of the role' END)::text
            FROM silent s
            WHERE s.measured_at - coalesce(s.last_activity, s.created_at) > make_interval(secs => $1)
              AND NOT EXISTS (
                  SELECT 1 FROM herdwatch.findings f
                  WHERE f.role = coalesce(s.role, '') AND f.kind = 'host_silent' AND f.subject = s.name
                    AND f.facts ->> 'silent_since_us'
                        = ((extract(epoch FROM coalesce(s.last_activity, s.created_at)) * 1000000)::bigint)::text)
            ORDER BY s.name
            """, [.double(seconds)]
        ).rows.map { r in
            SilentHost(
                id: try r.decode(at: 0), name: try r.decode(at: 1), role: try r.decode(at: 2), createdAt: try r.decode(at: 3),
                lastActivity: try r.decode(at: 4), reference: try r.decode(at: 5), evidenceJSON: try r.decode(at: 6))
        }
    }

    public struct Heartbeat: Sendable {
        public var hostID: Int64
        public var role: String?
        public var at: PostgresTimestamp
        public var bootID: String?
        /// The report object, as the agent sent it (attacker-controlled: decode defensively).
        public var reportJSON: String
        /// The last report judged for the host, with its boot id under "boot_id".
        public var previousJSON: String?
        public var evidenceJSON: String
    }

    /// Each host's newest heartbeat when it is newer than the last one judged.
    public func newHeartbeats() throws -> [Heartbeat] {
        try session.query(
            """
            SELECT h.id, h.role, hb.at, hb.boot_id::text, hb.report::text, s.report::text,
                   (hb.report || jsonb_build_object('host', h.name, 'heartbeat_at', hb.at, 'boot_id', hb.boot_id,
                                                    'stored_by', hb.stored_by))::text
            FROM herdwatch.hosts h
            CROSS JOIN LATERAL (SELECT * FROM herdwatch.heartbeats b WHERE b.host_id = h.id ORDER BY b.at DESC LIMIT 1) hb
            LEFT JOIN herdwatch.host_health_state s ON s.host_id = h.id
            WHERE s.heartbeat_at IS NULL OR hb.at > s.heartbeat_at
            ORDER BY h.id
            """
        ).rows.map { r in
            Heartbeat(
                hostID: try r.decode(at: 0), role: try r.decode(at: 1), at: try r.decode(at: 2), bootID: try r.decode(at: 3),
                reportJSON: try r.decode(at: 4), previousJSON: try r.decode(at: 5), evidenceJSON: try r.decode(at: 6))
        }
    }

    /// Remembers `beat` as the host's last judged heartbeat.
    public func remember(_ beat: Heartbeat) throws {
        try session.query(
            """
            INSERT INTO herdwatch.host_health_state (host_id, heartbeat_at, report)
            VALUES ($1, $2, $3::jsonb || jsonb_build_object('boot_id', $4::text))
            ON CONFLICT (host_id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, report = EXCLUDED.report
            """, [.int64(beat.hostID), .timestamp(beat.at), .jsonb(beat.reportJSON), .optional(beat.bootID)])
    }

    public struct IdentityEvent: Sendable {
        public var id: Int64
        public var kind: String
        public var login: String
        /// The host written as, when the fleet knows it.
        public var hostID: Int64?
        public var role: String?
        public var at: PostgresTimestamp
        public var evidenceJSON: String
    }

    /// Identity records (refused foreign writes, hostname changes) after the watermark, which
    /// this call advances.
    public func newIdentityEvents() throws -> [IdentityEvent] {
        let from = try session.query("SELECT identity_event_id FROM herdwatch.health_watermark FOR UPDATE").first?.decode(Int64.self, at: 0) ?? 0
        let rows = try session.query(
            """
            SELECT i.id, i.kind, i.login::text, h.id, h.role, i.at,
                   jsonb_build_object('identity_event', i.kind, 'login', i.login, 'hostname', i.hostname,
                                      'machine_id', i.machine_id, 'other', i.other, 'at', i.at)::text
            FROM herdwatch.host_identity_events i
            LEFT JOIN herdwatch.hosts h ON h.name = lower(i.hostname)
            WHERE i.id > $1 ORDER BY i.id
            """, [.int64(from)]
        ).rows
        let events = try rows.map { r in
            IdentityEvent(
                id: try r.decode(at: 0), kind: try r.decode(at: 1), login: try r.decode(at: 2), hostID: try r.decode(at: 3),
                role: try r.decode(at: 4), at: try r.decode(at: 5), evidenceJSON: try r.decode(at: 6))
        }
        if let last = events.last {
            try session.query("UPDATE herdwatch.health_watermark SET identity_event_id = $1", [.int64(last.id)])
        }
        return events
    }

    /// Snoozed findings whose time ran out go back to open; returns how many.
    public func endSnoozes() throws -> Int {
        try session.query(
            """
            WITH ended AS (
                UPDATE herdwatch.findings SET status = 'open', snoozed_until = NULL, updated_at = now()
                WHERE status = 'snoozed' AND snoozed_until <= now() RETURNING id
            )
            INSERT INTO herdwatch.finding_history (finding_id, actor, action, from_status, to_status)
            SELECT id, 'health-check', 'unsnoozed', 'snoozed', 'open' FROM ended
            """
        ).affectedRows
    }
}
