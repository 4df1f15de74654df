import Glibc
import LibPQ

/// The SQL side of the observations rollup: reads events grouped into raw facts, merges
/// canonicalized observations, and keeps the ingest-sequence watermark.
///
/// Terms are made by the caller (ServerRuntime's `ObservationRollup`, with Baselining's
/// canonicalization); this type knows tables, not terms. Call the chunk methods inside one
/// transaction that first calls ``lockWatermark()``.
public struct ObservationStore {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// Events of one host, kind and UTC day with the same raw facts, counted.
    public struct RawFact: Sendable, Hashable {
        public var role: String
        /// Event kind: exec, connect, listen or login.
        public var kind: String
        public var hostID: Int64
        /// `YYYY-MM-DD`, as PostgreSQL wrote it.
        public var day: String
        public var exe: String?
        public var parentExe: String?
        public var address: String?
        public var port: Int?
        /// AF_UNIX socket path for connects.
        public var socketPath: String?
        /// Connects and listens: the event's `detail.socket.proto` as the agent wrote it
        /// (`tcp`, `udp`), nil when the agent did not know it. Attacker-controlled text.
        public var proto: String?
        public var account: String?
        public var count: Int64
        /// Timestamps in the session's text form, passed back unchanged by ``merge(_:)``.
        public var firstSeen: String
        public var lastSeen: String
    }

    /// One row for `observations`; rows with the same key are summed.
    public struct Row: Sendable, Hashable {
        public var role: String
        public var kind: String
        public var term: String
        public var hostID: Int64
        public var day: String
        public var count: Int64
        public var firstSeen: String
        public var lastSeen: String

        public init(role: String, kind: String, term: String, hostID: Int64, day: String, count: Int64, firstSeen: String, lastSeen: String) {
            self.role = role
            self.kind = kind
            self.term = term
            self.hostID = hostID
            self.day = day
            self.count = count
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }
    }

    /// The highest ingest sequence below which no event can still appear.
    ///
    /// Sequence values are taken inside ingest transactions that may commit out of order, so the
    /// sequence's last value is not safe by itself. It becomes safe once every transaction that
    /// was writing to `events` when it was read has ended: such a transaction holds ROW EXCLUSIVE
    /// on `events` (or a partition) from before it takes a value, so reading the sequence first
    /// and the lock holders second cannot miss one. Their transaction ids are then polled until
    /// they are gone, without taking a lock, so a stuck agent transaction holds up this reader
    /// (which returns nil after `wait`, to try again later), never the fleet's ingest.
    /// pg_locks spans the cluster and relation oids repeat across databases made from one
    /// template, so only this database's locks count: a writer in another database (another
    /// shard, another test) must not hold this one up.
    /// Runs outside a transaction.
    public func safeHorizon(wait: Duration = .seconds(5)) throws -> Int64? {
        let last = try session.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM herdwatch.events_ingest_seq")
            .first?.decode(Int64.self, at: 0) ?? 0
        let writers = try session.query(
            """
            SELECT DISTINCT x.transactionid::text
            FROM pg_locks w
            JOIN pg_locks x ON x.pid = w.pid AND x.locktype = 'transactionid' AND x.mode = 'ExclusiveLock' AND x.granted
            WHERE w.locktype = 'relation' AND w.mode = 'RowExclusiveLock' AND w.granted AND w.pid <> pg_backend_pid()
              AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND w.relation IN (SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'herdwatch'::regnamespace
                                   AND (c.relname = 'events' OR c.relname LIKE 'events\\_%'))
            """
        ).rows.map { try $0.decode(String.self, at: 0) }
        guard !writers.isEmpty else { return last }
        let deadline = ContinuousClock.now + wait
        let list = "{" + writers.joined(separator: ",") + "}"
        while true {
            let running = try session.query(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND transactionid::text = ANY ($1::text[])", [.text(list)]
            ).first?.decode(Int.self, at: 0) ?? 0
            if running == 0 { return last }
            if ContinuousClock.now >= deadline { return nil }
            usleep(5_000)
        }
    }

    /// Locks and returns the watermark; role resolution waits for the transaction to end.
    public func lockWatermark() throws -> Int64 { try SequenceWatermark(session: session, table: .observations).lock() }

    public func watermark() throws -> Int64 { try SequenceWatermark(session: session, table: .observations).read() }

    public func advanceWatermark(to seq: Int64) throws { try SequenceWatermark(session: session, table: .observations).advance(to: seq) }

    /// Raw facts of events with `after < ingest_seq <= through`, of hosts that have a role.
    public func rawFacts(after: Int64, through: Int64) throws -> [RawFact] {
        try rawFacts(where: "e.ingest_seq > $1 AND e.ingest_seq <= $2", [.int64(after), .int64(through)])
    }

    /// Raw facts of one host's events up to `through`, under its current role.
    public func rawFacts(host: Int64, through: Int64) throws -> [RawFact] {
        try rawFacts(where: "e.host_id = $1 AND e.ingest_seq <= $2", [.int64(host), .int64(through)])
    }

    private func rawFacts(where condition: String, _ parameters: [SQLParameter]) throws -> [RawFact] {
        // What counts: successful execs; every connect attempt (non-blocking connects "fail" with
        // EINPROGRESS); successful listens with a port; successful USER_LOGIN messages.
        let result = try session.query(
            """
            SELECT h.role, e.kind, e.host_id, to_char((e.event_time AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day,
                   e.exe, CASE WHEN e.kind = 'exec' THEN e.parent_exe END AS parent_exe,
                   host(e.address) AS address, e.port,
                   CASE WHEN e.kind = 'connect' AND e.address IS NULL THEN e.path END AS socket_path,
                   -- sshd's successful USER_LOGIN names the user by id= (the auid), not acct=;
                   -- an unset auid is stored as NULL.
                   CASE WHEN e.kind = 'login'
                        THEN coalesce(e.account, e.detail -> 'user' ->> 'auid_name', 'auid:' || e.auid::text) END AS account,
                   count(*) AS n, min(e.event_time)::text AS first_seen, max(e.event_time)::text AS last_seen,
                   CASE WHEN e.kind IN ('connect', 'listen') THEN e.detail -> 'socket' ->> 'proto' END AS proto
            FROM herdwatch.events e
            JOIN herdwatch.hosts h ON h.id = e.host_id AND h.role IS NOT NULL
            WHERE \(condition)
              AND (   (e.kind = 'exec' AND e.success IS NOT false AND e.exe IS NOT NULL)
                   OR (e.kind = 'connect' AND (e.address IS NOT NULL OR e.path IS NOT NULL))
                   OR (e.kind = 'listen' AND e.success IS NOT false AND e.port IS NOT NULL)
                   OR (e.kind = 'login' AND e.result = 'success'
                       AND (e.account IS NOT NULL OR e.auid IS NOT NULL)
                       AND e.detail -> 'records' ? 'USER_LOGIN'))
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14
            """, parameters)
        return try result.rows.map { row in
            RawFact(
                role: try row.decode(String.self, at: 0), kind: try row.decode(String.self, at: 1),
                hostID: try row.decode(Int64.self, at: 2), day: try row.decode(String.self, at: 3),
                exe: try row.decode(String?.self, at: 4), parentExe: try row.decode(String?.self, at: 5),
                address: try row.decode(String?.self, at: 6), port: try row.decode(Int?.self, at: 7),
                socketPath: try row.decode(String?.self, at: 8), proto: try row.decode(String?.self, at: 13),
                account: try row.decode(String?.self, at: 9),
                count: try row.decode(Int64.self, at: 10), firstSeen: try row.decode(String.self, at: 11),
                lastSeen: try row.decode(String.self, at: 12))
        }
    }

    /// Adds `rows` to the observations (counts summed, first and last seen widened).
    public func merge(_ rows: [Row]) throws {
        guard !rows.isEmpty else { return }
        if try session.query("SELECT to_regclass('pg_temp.observation_batch') IS NULL").first?.decode(Bool.self, at: 0) == true {
            try session.execute(
            """
            CREATE TEMP TABLE observation_batch (
                role text, kind text, term text, host_id bigint, day date, count bigint,
                first_seen timestamptz, last_seen timestamptz) ON COMMIT DELETE ROWS
            """)
        }
        try session.copyFrom("COPY pg_temp.observation_batch FROM STDIN") { writer in
            for r in rows {
                try writer.appendRow([r.role, r.kind, r.term, String(r.hostID), r.day, String(r.count), r.firstSeen, r.lastSeen])
            }
        }
        try session.execute(
            """
            INSERT INTO herdwatch.observations AS o (role, kind, term, host_id, day, count, first_seen, last_seen)
            SELECT role, kind, term, host_id, day, sum(count), min(first_seen), max(last_seen)
            FROM pg_temp.observation_batch
            GROUP BY role, kind, term, host_id, day
            ON CONFLICT (role, day, kind, term, host_id) DO UPDATE
            SET count = o.count + EXCLUDED.count,
                first_seen = least(o.first_seen, EXCLUDED.first_seen),
                last_seen = greatest(o.last_seen, EXCLUDED.last_seen)
            """)
        try session.execute("TRUNCATE pg_temp.observation_batch")
    }

    /// Hosts waiting to have their observations re-derived after a role change.
    public func pendingRederives() throws -> [(hostID: Int64, through: Int64)] {
        try session.query("SELECT host_id, through_seq FROM herdwatch.observation_rederive ORDER BY host_id").rows.map {
            (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1))
        }
    }

    /// Marks a re-derivation done, unless a newer role change asked for another meanwhile.
    public func finishRederive(host: Int64, through: Int64) throws {
        try session.query("DELETE FROM herdwatch.observation_rederive WHERE host_id = $1 AND through_seq = $2", [.int64(host), .int64(through)])
    }
}
