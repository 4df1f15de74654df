import Findings
import LibPQ

/// The SQL behind the file-integrity judge: each host's current inventory, rebuilt from the
/// agents' `fim` events set-based (a first scan ships 100,000 files per host), the changes to
/// judge, and the paths on which a role's hosts hold different content.
///
/// Every call runs in the caller's transaction; ``applyEvents(after:through:)`` leaves the
/// (host, path) pairs it touched in `pg_temp.fim_touched`, dropped at commit, for
/// ``splitPaths()``. Host data is only ever bound as parameters or read from columns.
public struct FileInventoryStore {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// The judge's watermark, locked until the transaction ends so two judges never judge the same events.
    public func lockWatermark() throws -> Int64 {
        try session.query("SELECT through_seq FROM herdwatch.file_integrity_watermark FOR UPDATE").first?.decode(Int64.self, at: 0) ?? 0
    }

    public func advanceWatermark(to seq: Int64) throws {
        try session.query(
            "UPDATE herdwatch.file_integrity_watermark SET through_seq = greatest(through_seq, $1), updated_at = now()",
            [.int64(seq)])
    }

    /// The ingest sequence of the `limit`-th fim event after `seq` (or of the last one), nil when none is waiting.
    ///
    /// Sequence numbers are taken when rows are inserted, not when they commit, so an ingest
    /// still open may yet commit rows below a sequence already visible; a watermark moved past
    /// them would skip them for good. The batch therefore ends before the first event stored
    /// less than `settleSeconds` ago (by its transaction's start, `stored_at`): ingest
    /// transactions last well under a second, so older ones have committed.
    public func batchEnd(after seq: Int64, limit: Int, settleSeconds: Double) throws -> Int64? {
        try session.query(
            """
            SELECT max(ingest_seq) FROM (
                SELECT ingest_seq FROM herdwatch.events
                WHERE kind = 'fim' AND ingest_seq > $1
                  AND ingest_seq < coalesce((
                      SELECT min(ingest_seq) FROM herdwatch.events
                      WHERE kind = 'fim' AND ingest_seq > $1 AND stored_at > now() - make_interval(secs => $3)
                  ), 9223372036854775807)
                ORDER BY ingest_seq LIMIT $2
            ) batch
            """, [.int64(seq), .int(limit), .double(settleSeconds)]).first?.decode(Int64?.self, at: 0)
    }

    /// Brings the inventory up to the fim events in (`after`, `through`]: per (host, path) the
    /// latest event wins; a deletion, or the old path of a rename, removes the row. An event
    /// older than what the row already holds changes nothing, so a pass can be repeated.
    /// - Returns: rows written and rows removed.
    public func applyEvents(after: Int64, through: Int64) throws -> (upserted: Int, deleted: Int) {
        try session.query(
            """
            CREATE TEMP TABLE fim_touched ON COMMIT DROP AS
            WITH fim AS (
                SELECT e.ingest_seq, e.host_id, e.event_time, e.path, e.detail -> 'fim' AS d
                FROM herdwatch.events e
                WHERE e.kind = 'fim' AND e.ingest_seq > $1 AND e.ingest_seq <= $2 AND e.path IS NOT NULL
            ), touches AS (
                SELECT host_id, path, ingest_seq, event_time, nullif(d -> 'new', 'null'::jsonb) AS state FROM fim
                UNION ALL
                SELECT host_id, d ->> 'old_path', ingest_seq, event_time, NULL FROM fim
                WHERE d ->> 'change' = 'renamed' AND d ->> 'old_path' IS NOT NULL AND d ->> 'old_path' <> path
            )
            SELECT DISTINCT ON (host_id, path) host_id, path, ingest_seq, event_time, state
            FROM touches ORDER BY host_id, path, ingest_seq DESC
            """, [.int64(after), .int64(through)])
        let deleted = try session.query(
            """
            DELETE FROM herdwatch.file_inventory i USING pg_temp.fim_touched t
            WHERE (t.state IS NULL OR jsonb_typeof(t.state) <> 'object' OR t.state ->> 'type' IS NULL)
              AND i.host_id = t.host_id AND i.path = t.path AND i.ingest_seq < t.ingest_seq
            """).affectedRows
        let upserted = try session.query(
            """
            INSERT INTO herdwatch.file_inventory AS i
                (host_id, path, type, sha256, mode, uid, gid, size, mtime_ns, inode, target, updated_at, ingest_seq)
            SELECT host_id, path, state ->> 'type', state ->> 'sha256', state ->> 'mode',
                   herdwatch.fim_number(state -> 'uid'), herdwatch.fim_number(state -> 'gid'),
                   herdwatch.fim_number(state -> 'size'), herdwatch.fim_number(state -> 'mtime_ns'),
                   herdwatch.fim_number(state -> 'inode'), state ->> 'target', event_time, ingest_seq
            FROM pg_temp.fim_touched
            WHERE jsonb_typeof(state) = 'object' AND state ->> 'type' IS NOT NULL
            ON CONFLICT (host_id, path) DO UPDATE
            SET type = EXCLUDED.type, sha256 = EXCLUDED.sha256, mode = EXCLUDED.mode, uid = EXCLUDED.uid,
                gid = EXCLUDED.gid, size = EXCLUDED.size, mtime_ns = EXCLUDED.mtime_ns, inode = EXCLUDED.inode,
                target = EXCLUDED.target, updated_at = EXCLUDED.updated_at, ingest_seq = EXCLUDED.ingest_seq
            WHERE i.ingest_seq < EXCLUDED.ingest_seq
            """).affectedRows
        return (upserted, deleted)
    }
}
