import Findings
import LibPQ

extension FileInventoryStore {
    /// One stored fim event that is a change (not an inventory line), with its host's role.
    public struct ChangeEvent: Sendable {
        public var ingestSeq: Int64
        public var hostID: Int64
        public var host: String
        /// "" when the host has no role.
        public var role: String
        public var roleHosts: Int
        public var eventTime: PostgresTimestamp
        public var path: String
        /// `created`, `modified`, `attributes`, `deleted`, `renamed`.
        public var change: String
        public var oldPath: String?
        public var old: FileFindingSubject.State?
        public var new: FileFindingSubject.State?
        /// A JSON object for the finding's facts: change, old_path, old, new, changed_by.
        public var facts: String
        /// The audit event that last wrote the path before the scan (a `-w` watch), when one did.
        public var writerSeq: Int64?
    }

    /// The changes among the fim events in (`after`, `through`], in ingest order.
    ///
    /// Who changed a file: the process and user columns of the fim event itself when the agent
    /// filled them, else the latest audit `file` event (a `-w` watch) on the same host and path
    /// in the hour before the scan. That is the last writer the kernel saw, a strong hint, not
    /// proof: an earlier writer within the same scan interval is not named.
    public func changes(after: Int64, through: Int64) throws -> [ChangeEvent] {
        func state(_ side: String) -> String {
            ["type", "sha256", "mode", "uid", "gid", "size", "target", "mtime_ns", "inode"]
                .map { "x.d -> '\(side)' ->> '\($0)'" }.joined(separator: ", ")
        }
        let result = try session.query(
            """
            SELECT e.ingest_seq, e.host_id, h.name, coalesce(h.role, ''),
                   (SELECT count(*) FROM herdwatch.hosts r WHERE r.role = h.role),
                   e.event_time, e.path, x.d ->> 'change', x.d ->> 'old_path',
                   \(state("old")), \(state("new")),
                   jsonb_strip_nulls(jsonb_build_object(
                       'change', x.d -> 'change', 'old_path', x.d -> 'old_path', 'old', x.d -> 'old', 'new', x.d -> 'new',
                       'changed_by', coalesce(own.who, w.who)))::text,
                   CASE WHEN own.who IS NULL THEN w.ingest_seq END
            FROM herdwatch.events e
            JOIN herdwatch.hosts h ON h.id = e.host_id
            CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(e.detail -> 'fim') = 'object' THEN e.detail -> 'fim' END AS d) x
            CROSS JOIN LATERAL (
                SELECT CASE WHEN e.exe IS NOT NULL OR e.auid IS NOT NULL OR e.uid IS NOT NULL THEN
                    jsonb_strip_nulls(jsonb_build_object('exe', e.exe, 'pid', e.pid, 'comm', e.comm, 'uid', e.uid, 'auid', e.auid)) END AS who
            ) own
            LEFT JOIN LATERAL (
                SELECT a.ingest_seq,
                       jsonb_strip_nulls(jsonb_build_object('exe', a.exe, 'pid', a.pid, 'comm', a.comm, 'uid', a.uid,
                                                            'auid', a.auid, 'at', a.event_time)) AS who
                FROM herdwatch.events a
                WHERE a.host_id = e.host_id AND a.kind = 'file'
                  AND a.event_time <= e.event_time AND a.event_time > e.event_time - interval '1 hour'
                  AND (a.path = e.path OR a.cwd || '/' || a.path = e.path)
                ORDER BY a.event_time DESC LIMIT 1
            ) w ON true
            WHERE e.kind = 'fim' AND e.ingest_seq > $1 AND e.ingest_seq <= $2 AND e.path IS NOT NULL
              AND x.d ->> 'change' IN ('created', 'modified', 'attributes', 'deleted', 'renamed')
            ORDER BY e.ingest_seq
            """, [.int64(after), .int64(through)])
        return try result.rows.map { row in
            func side(_ first: Int) throws -> FileFindingSubject.State? {
                guard let type = try row.decode(String?.self, at: first) else { return nil }
                return FileFindingSubject.State(
                    type: type, sha256: try row.decode(at: first + 1), mode: try row.decode(at: first + 2),
                    uid: try row.decode(at: first + 3), gid: try row.decode(at: first + 4), size: try row.decode(at: first + 5),
                    target: try row.decode(at: first + 6), mtimeNanoseconds: try row.decode(at: first + 7),
                    inode: try row.decode(at: first + 8))
            }
            return ChangeEvent(
                ingestSeq: try row.decode(at: 0), hostID: try row.decode(at: 1), host: try row.decode(at: 2),
                role: try row.decode(at: 3), roleHosts: try row.decode(at: 4), eventTime: try row.decode(at: 5),
                path: try row.decode(at: 6), change: try row.decode(at: 7), oldPath: try row.decode(at: 8),
                old: try side(9), new: try side(18), facts: try row.decode(at: 27), writerSeq: try row.decode(at: 28))
        }
    }

    /// One host's holding of a path on which its role's hosts disagree.
    public struct Holding: Sendable {
        public var role: String
        public var roleHosts: Int
        public var path: String
        public var hostID: Int64
        public var host: String
        /// The inventory's content form (`sha256:<hex>`, `symlink:<target>`, `size:<n>`, a type).
        public var content: String
        public var sha256: String?
        public var updatedAt: PostgresTimestamp
        /// The event that set the host's current state.
        public var ingestSeq: Int64
    }

    /// Every holding of the (role, path) pairs touched by ``applyEvents(after:through:)`` whose
    /// holders hold more than one content, sorted by role, path and host. Only the split pairs
    /// come back, so a first inventory of 100,000 agreeing files returns nothing.
    public func splitPaths() throws -> [Holding] {
        let result = try session.query(
            """
            WITH touched AS (
                SELECT DISTINCT h.role, t.path
                FROM pg_temp.fim_touched t JOIN herdwatch.hosts h ON h.id = t.host_id
                WHERE h.role IS NOT NULL
            ), holdings AS (
                SELECT t.role, t.path, h.id AS host_id, h.name, i.content, i.sha256, i.updated_at, i.ingest_seq
                FROM touched t
                JOIN herdwatch.hosts h ON h.role = t.role
                JOIN herdwatch.file_inventory i ON i.host_id = h.id AND i.path = t.path
            ), split AS (
                SELECT role, path FROM holdings GROUP BY role, path HAVING count(DISTINCT content) > 1
            )
            SELECT g.role, (SELECT count(*) FROM herdwatch.hosts r WHERE r.role = g.role), g.path, g.host_id, g.name,
                   g.content, g.sha256, g.updated_at, g.ingest_seq
            FROM holdings g JOIN split s ON s.role = g.role AND s.path = g.path
            ORDER BY g.role, g.path, g.name
            """)
        return try result.rows.map { row in
            Holding(
                role: try row.decode(at: 0), roleHosts: try row.decode(at: 1), path: try row.decode(at: 2),
                hostID: try row.decode(at: 3), host: try row.decode(at: 4), content: try row.decode(at: 5),
                sha256: try row.decode(at: 6), updatedAt: try row.decode(at: 7), ingestSeq: try row.decode(at: 8))
        }
    }
}
