import LibPQ

/// The SQL side of the detector: its ingest-sequence watermark, the backlog of roles waiting for
/// a baseline, and the stored events of a sequence range grouped into facts.
///
/// Terms and judgement are the caller's (ServerRuntime's `Detector`); this type knows tables.
/// Call the chunk methods inside one transaction that first calls ``lockWatermark()``, so two
/// detectors take turns chunk by chunk.
public struct DetectorStore {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// Events of one host with the same raw facts in one sequence range, counted.
    public struct Fact: Sendable, Hashable {
        /// The host's role; nil when it has none (or two).
        public var role: String?
        public var kind: String
        public var hostID: Int64
        public var exe: String?
        public var parentExe: String?
        public var address: String?
        public var port: Int?
        public var socketPath: String?
        /// Connects and listens: `detail.socket.proto` (see ``ObservationStore/RawFact/proto``).
        public var proto: String?
        public var account: String?
        /// Audit configuration changes: `detail.config`'s op, setting and value, and whether the
        /// agent marked the change as its own rule reload.
        public var configOp: String?
        public var configSetting: String?
        public var configValue: String?
        public var byAgent: Bool
        /// Any of the events ran with euid or uid 0.
        public var root: Bool
        /// Inside the active baseline's training window and learned from: read by the rollup
        /// before the baseline was built (stored before it, for an imported baseline).
        public var history: Bool
        public var count: Int64
        public var firstSeen: PostgresTimestamp
        public var lastSeen: PostgresTimestamp
        public var firstSeq: Int64
        public var lastSeq: Int64
    }

    /// The highest ingest sequence below which no event can still appear, or nil when an
    /// ingest transaction stays open longer than `wait` (see ``ObservationStore/safeHorizon(wait:)``).
    public func safeHorizon(wait: Duration = .seconds(5)) throws -> Int64? {
        try ObservationStore(session: session).safeHorizon(wait: wait)
    }

    /// Memory for grouping one chunk of events (`work_mem`, set for the chunk's transaction).
    static let workMemory = "64MB"

    public func lockWatermark() throws -> Int64 { try SequenceWatermark(session: session, table: .detector).lock() }

    public func watermark() throws -> Int64 { try SequenceWatermark(session: session, table: .detector).read() }

    public func advanceWatermark(to seq: Int64) throws { try SequenceWatermark(session: session, table: .detector).advance(to: seq) }

    /// Active baseline id per role.
    public func activeBaselines() throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try session.query("SELECT role, id FROM herdwatch.baselines WHERE active").rows {
            out[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
        }
        return out
    }

    /// A token naming the database and its active baselines (ids and creation times), so a
    /// cache of them is never taken for another database's or an older activation's.
    public func activeBaselinesFingerprint() throws -> String {
        try session.query(
            """
            SELECT current_database() || '|' || coalesce(string_agg(role || '=' || id || '@' || created_at::text, ',' ORDER BY role), '')
            FROM herdwatch.baselines WHERE active
            """).first?.decode(String.self, at: 0) ?? ""
    }

    /// A token that changes whenever accepted terms change, so cached baselines are rebuilt.
    public func acceptedTermsVersion() throws -> String {
        try session.query("SELECT count(*) || '/' || coalesce(max(accepted_at)::text, '') FROM herdwatch.accepted_terms")
            .first?.decode(String.self, at: 0) ?? ""
    }

    /// Host-scoped acceptances of one role: host id → accepted `kind value` pairs.
    public func hostExceptions(role: String) throws -> [Int64: [(kind: String, term: String)]] {
        var out: [Int64: [(kind: String, term: String)]] = [:]
        for row in try session.query(
            "SELECT host_id, kind, term FROM herdwatch.accepted_terms WHERE role = $1 AND host_id IS NOT NULL", [.text(role)]).rows {
            out[try row.decode(Int64.self, at: 0), default: []].append((try row.decode(String.self, at: 1), try row.decode(String.self, at: 2)))
        }
        return out
    }

    /// Hosts per role (every host the fleet knows that has the role).
    public func roleSizes() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try session.query("SELECT role, count(*) FROM herdwatch.hosts WHERE role IS NOT NULL GROUP BY role").rows {
            out[try row.decode(String.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        return out
    }

    /// Roles whose events wait for a baseline, with the sequence after which they wait.
    public func backlog() throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try session.query("SELECT role, from_seq FROM herdwatch.detector_backlog").rows {
            out[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1)
        }
        return out
    }

    /// Notes that `role`'s events after `seq` wait for a baseline (kept when already waiting).
    public func addBacklog(role: String, after seq: Int64) throws {
        try session.query(
            "INSERT INTO herdwatch.detector_backlog (role, from_seq) VALUES ($1, $2) ON CONFLICT (role) DO NOTHING",
            [.text(role), .int64(seq)])
    }

    public func setBacklog(role: String, after seq: Int64) throws {
        try session.query("UPDATE herdwatch.detector_backlog SET from_seq = $2 WHERE role = $1", [.text(role), .int64(seq)])
    }

    public func clearBacklog(role: String) throws {
        try session.query("DELETE FROM herdwatch.detector_backlog WHERE role = $1", [.text(role)])
    }

    /// Facts of events with `after < ingest_seq <= through`; of one role's hosts when `role` is
    /// given (baseline kinds only: a backlog catching up).
    public func facts(after: Int64, through: Int64, role: String? = nil) throws -> [Fact] {
        var condition = "e.ingest_seq > $1 AND e.ingest_seq <= $2"
        var parameters: [SQLParameter] = [.int64(after), .int64(through)]
        if let role {
            condition += " AND h.role = $3 AND e.kind IN ('exec', 'connect', 'listen', 'login')"
            parameters.append(.text(role))
        }
        // A chunk's groups fit in memory: with the server's default work_mem (4 MB) PostgreSQL
        // sorts the chunk on disk for a GroupAggregate; with room it hashes, about three times
        // faster (ops/bench/README.md, "detect"). Local to the chunk's transaction.
        try session.execute("SET LOCAL work_mem = '\(Self.workMemory)'")
        // What counts is what the rollup counts (ObservationStore), plus audit configuration
        // changes and failed authentications, which are judged without a baseline.
        let result = try session.query(
            """
            SELECT h.role, e.kind, e.host_id, e.exe, CASE WHEN e.kind = 'exec' THEN e.parent_exe END,
                   host(e.address), e.port,
                   CASE WHEN e.kind = 'connect' AND e.address IS NULL THEN e.path END,
                   CASE WHEN e.kind = 'login'
                        THEN coalesce(e.account, e.detail -> 'user' ->> 'auid_name', 'auid:' || e.auid::text) END,
                   e.detail -> 'config' ->> 'op', e.detail -> 'config' ->> 'setting', e.detail -> 'config' ->> 'value',
                   coalesce(e.detail -> 'config' ->> 'by_agent' = 'true', false),
                   bool_or(coalesce(e.euid = 0 OR e.uid = 0, false)),
                   coalesce(e.event_time >= (b.first_day::timestamp AT TIME ZONE 'UTC')
                            AND e.event_time < (b.end_day::timestamp AT TIME ZONE 'UTC')
                            AND CASE WHEN b.observed_through_seq IS NOT NULL THEN e.ingest_seq <= b.observed_through_seq
                                     ELSE e.stored_at < b.created_at END, false) AS history,
                   count(*), min(e.event_time), max(e.event_time), min(e.ingest_seq), max(e.ingest_seq),
                   CASE WHEN e.kind IN ('connect', 'listen') THEN e.detail -> 'socket' ->> 'proto' END
            FROM herdwatch.events e
            JOIN herdwatch.hosts h ON h.id = e.host_id
            LEFT JOIN herdwatch.baselines b ON b.role = h.role AND b.active
            WHERE \(condition)
              AND (   (e.kind = 'exec' AND e.success IS NOT false AND e.exe IS NOT NULL)
                   OR (e.kind = 'connect' AND (e.address IS NOT NULL OR e.path IS NOT NULL))
                   OR (e.kind = 'listen' AND e.success IS NOT false AND e.port IS NOT NULL)
                   OR (e.kind = 'login' AND e.result = 'success' AND (e.account IS NOT NULL OR e.auid IS NOT NULL))
                   OR (e.kind = 'audit_config' AND e.detail ? 'config')
                   OR (e.kind = 'authentication' AND e.success = false AND e.address IS NOT NULL))
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 21
            """, parameters)
        return try result.rows.map { r in
            Fact(
                role: try r.decode(at: 0), kind: try r.decode(at: 1), hostID: try r.decode(at: 2), exe: try r.decode(at: 3),
                parentExe: try r.decode(at: 4), address: try r.decode(at: 5), port: try r.decode(at: 6),
                socketPath: try r.decode(at: 7), proto: try r.decode(at: 20), account: try r.decode(at: 8),
                configOp: try r.decode(at: 9),
                configSetting: try r.decode(at: 10), configValue: try r.decode(at: 11), byAgent: try r.decode(at: 12),
                root: try r.decode(at: 13), history: try r.decode(at: 14), count: try r.decode(at: 15),
                firstSeen: try r.decode(at: 16), lastSeen: try r.decode(at: 17), firstSeq: try r.decode(at: 18),
                lastSeq: try r.decode(at: 19))
        }
    }

    /// Times (µs since the epoch) of failed authentications from `source` on hosts of `role`
    /// (nil: hosts without a role) between `from` and `to`, sorted.
    public func failedAuthenticationTimes(role: String?, source: String, from: PostgresTimestamp, to: PostgresTimestamp) throws -> [Int64] {
        try session.query(
            """
            SELECT (extract(epoch FROM e.event_time) * 1000000)::bigint
            FROM herdwatch.events e JOIN herdwatch.hosts h ON h.id = e.host_id
            WHERE h.role IS NOT DISTINCT FROM $1 AND e.kind = 'authentication' AND e.success = false
              AND e.address = $2::inet AND e.event_time >= $3 AND e.event_time <= $4
            ORDER BY 1
            """, [.optional(role), .text(source), .timestamp(from), .timestamp(to)]
        ).rows.map { try $0.decode(Int64.self, at: 0) }
    }
}
