import Findings
import LibPQ

/// Reading findings for the CLI, the alert sinks and (later) the web UI.
public struct FindingQueries {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    public struct Filter: Sendable {
        public var statuses: [FindingStatus] = []
        public var roles: [String] = []
        public var kinds: [FindingKind] = []
        /// Only findings seen (last_seen, event time) at or after this time.
        public var since: PostgresTimestamp?
        public var limit: Int?

        public init() {}
    }

    /// One line of `findings list`.
    public struct Summary: Sendable {
        public var id: Int64
        public var severity: Severity
        public var status: String
        public var kind: String
        public var role: String
        public var subject: String
        public var hostCount: Int
        public var roleHosts: Int
        /// Host names, sorted; the first few.
        public var hosts: [String]
        public var eventCount: Int64
        public var lastSeen: PostgresTimestamp
    }

    private func whereClause(_ filter: Filter) -> (String, [SQLParameter]) {
        var conditions: [String] = []
        var parameters: [SQLParameter] = []
        func add(_ condition: (Int) -> String, _ value: SQLParameter) {
            parameters.append(value)
            conditions.append(condition(parameters.count))
        }
        if !filter.statuses.isEmpty { add({ "f.status = ANY ($\($0))" }, .textArray(filter.statuses.map(\.rawValue))) }
        if !filter.roles.isEmpty { add({ "f.role = ANY ($\($0))" }, .textArray(filter.roles)) }
        if !filter.kinds.isEmpty { add({ "f.kind = ANY ($\($0))" }, .textArray(filter.kinds.map(\.rawValue))) }
        if let since = filter.since { add({ "f.last_seen >= $\($0)" }, .timestamp(since)) }
        return (conditions.isEmpty ? "true" : conditions.joined(separator: " AND "), parameters)
    }

    /// Sorted by severity, then last seen, newest first.
    public func list(_ filter: Filter) throws -> [Summary] {
        let (condition, parameters) = whereClause(filter)
        let limit = filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try session.query(
            """
            SELECT f.id, f.severity, f.status, f.kind, f.role, f.subject, f.host_count, f.role_hosts,
                   (SELECT array_agg(name ORDER BY name) FROM (SELECT h.name FROM herdwatch.finding_hosts fh
                        JOIN herdwatch.hosts h ON h.id = fh.host_id WHERE fh.finding_id = f.id ORDER BY h.name LIMIT 3) n),
                   f.event_count, f.last_seen
            FROM herdwatch.findings f WHERE \(condition)
            ORDER BY f.severity DESC, f.last_seen DESC, f.id\(limit)
            """, parameters
        ).rows.map { r in
            Summary(
                id: try r.decode(at: 0), severity: Severity(score: try r.decode(at: 1)), status: try r.decode(at: 2),
                kind: try r.decode(at: 3), role: try r.decode(at: 4), subject: try r.decode(at: 5), hostCount: try r.decode(at: 6),
                roleHosts: try r.decode(at: 7), hosts: (try r.decode([String?]?.self, at: 8) ?? []).compactMap { $0 },
                eventCount: try r.decode(at: 9), lastSeen: try r.decode(at: 10))
        }
    }

    /// The findings as one JSON array in the documented form (`[]` when none), in list order.
    public func listJSON(_ filter: Filter, evidence: Bool = true) throws -> String {
        let (condition, parameters) = whereClause(filter)
        let limit = filter.limit.map { " LIMIT \(max(0, $0))" } ?? ""
        return try session.query(
            """
            SELECT coalesce(jsonb_agg(herdwatch.finding_document(id, \(evidence)) ORDER BY n), '[]'::jsonb)::text
            FROM (SELECT f.id, row_number() OVER (ORDER BY f.severity DESC, f.last_seen DESC, f.id) AS n
                  FROM herdwatch.findings f WHERE \(condition)
                  ORDER BY n\(limit)) chosen
            """, parameters
        ).first?.decode(String.self, at: 0) ?? "[]"
    }

    /// One finding in the documented JSON form, or nil.
    public func documentJSON(_ id: Int64) throws -> String? {
        try session.query("SELECT herdwatch.finding_document($1)::text", [.int64(id)]).first?.decode(String?.self, at: 0)
    }

    public struct HistoryEntry: Sendable {
        public var at: PostgresTimestamp
        public var actor: String
        public var action: String
        public var fromStatus: String?
        public var toStatus: String?
        public var note: String?
    }

    public func history(_ id: Int64) throws -> [HistoryEntry] {
        try session.query(
            "SELECT at, actor, action, from_status, to_status, note FROM herdwatch.finding_history WHERE finding_id = $1 ORDER BY id",
            [.int64(id)]
        ).rows.map { r in
            HistoryEntry(
                at: try r.decode(at: 0), actor: try r.decode(at: 1), action: try r.decode(at: 2), fromStatus: try r.decode(at: 3),
                toStatus: try r.decode(at: 4), note: try r.decode(at: 5))
        }
    }
}
