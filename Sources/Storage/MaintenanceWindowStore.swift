import LibPQ

/// Maintenance windows: while one is active, alerts for findings whose hosts it all covers
/// wait (`AlertOutboxStore.pending` reports them held). Findings themselves are unaffected.
///
/// A window covers one role (all its hosts) or one host, from its start until `ends_at`.
public struct MaintenanceWindowStore {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// What a window covers.
    public enum Scope: Sendable, Hashable {
        case role(String)
        case host(String)
    }

    public struct Window: Sendable, Hashable {
        public var id: Int64
        public var scope: Scope
        public var startsAt: PostgresTimestamp
        public var endsAt: PostgresTimestamp
        public var note: String?
        public var createdBy: String
        /// Active at the time of the query.
        public var active: Bool
    }

    /// Why a window could not be added.
    public struct ScopeError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens a window from now until `until`.
    /// - Returns: the new window's id.
    /// - Throws: `ScopeError` when the role or host is unknown or `until` is not in the future.
    public func add(_ scope: Scope, until: PostgresTimestamp, note: String?, actor: String) throws -> Int64 {
        try session.transaction {
            let roleParameter: SQLParameter
            let hostParameter: SQLParameter
            switch scope {
            case .role(let role):
                guard try session.query("SELECT 1 FROM herdwatch.roles WHERE name = $1", [.text(role)]).first != nil else {
                    throw ScopeError(description: "unknown role \(String(reflecting: role))")
                }
                roleParameter = .text(role)
                hostParameter = .null
            case .host(let name):
                guard let id = try session.query("SELECT id FROM herdwatch.hosts WHERE name = $1", [.text(name)]).first?
                    .decode(Int64.self, at: 0)
                else { throw ScopeError(description: "unknown host \(String(reflecting: name))") }
                roleParameter = .null
                hostParameter = .int64(id)
            }
            guard let row = try session.query(
                """
                INSERT INTO herdwatch.maintenance_windows (role, host_id, ends_at, note, created_by)
                SELECT $1::text, $2::bigint, $3, $4, $5 WHERE $3 > now()
                RETURNING id
                """,
                [roleParameter, hostParameter, .timestamp(until), .optional(note), .text(actor)]
            ).first else {
                throw ScopeError(description: "the window must end in the future")
            }
            return try row.decode(Int64.self, at: 0)
        }
    }

    /// Windows, active ones first, then by end time (newest first).
    /// - Parameter includeEnded: also list windows that have ended.
    public func list(includeEnded: Bool) throws -> [Window] {
        try session.query(
            """
            SELECT w.id, w.role, h.name, w.starts_at, w.ends_at, w.note, w.created_by,
                   (w.starts_at <= now() AND w.ends_at > now()) AS active
            FROM herdwatch.maintenance_windows w LEFT JOIN herdwatch.hosts h ON h.id = w.host_id
            WHERE $1 OR w.ends_at > now()
            ORDER BY active DESC, w.ends_at DESC, w.id DESC
            """, [.bool(includeEnded)]
        ).rows.map { row in
            let role: String? = try row.decode(at: 1)
            let host: String? = try row.decode(at: 2)
            return Window(
                id: try row.decode(at: 0), scope: role.map(Scope.role) ?? .host(host ?? "?"),
                startsAt: try row.decode(at: 3), endsAt: try row.decode(at: 4), note: try row.decode(at: 5),
                createdBy: try row.decode(at: 6), active: try row.decode(at: 7))
        }
    }

    /// Ends a window now; alerts it held go out at the dispatcher's next run.
    /// - Returns: false when there is no such window or it had already ended.
    public func end(id: Int64) throws -> Bool {
        try session.query(
            """
            UPDATE herdwatch.maintenance_windows SET ends_at = greatest(now(), starts_at + interval '1 microsecond')
            WHERE id = $1 AND ends_at > now()
            """, [.int64(id)]
        ).affectedRows == 1
    }
}
