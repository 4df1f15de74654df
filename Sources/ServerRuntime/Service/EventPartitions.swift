import LibPQ
import Logging

/// Partition maintenance and retention for the events table.
///
/// Daily partitions are created ahead of time, and rows that landed in the default partition
/// (events whose day had no partition yet: replayed history, clock skew) are moved into
/// partitions of their own. Partitions older than the retention horizon are dropped whole,
/// but only once the rollup and the detector have read past every row in them.
public struct EventPartitions: Sendable {
    public var daysAhead: Int
    /// Days of events kept; nil keeps everything.
    public var retentionDays: Int?

    public init(daysAhead: Int = 7, retentionDays: Int? = 90) {
        self.daysAhead = max(1, daysAhead)
        self.retentionDays = retentionDays
    }

    public struct Outcome: Sendable, Equatable {
        public var created: [String] = []
        public var dropped: [String] = []
        /// Old partitions kept because the rollup or the detector has not read them yet.
        public var keptUnread: [String] = []
    }

    public func maintain(_ session: Session) throws -> Outcome {
        var outcome = Outcome()
        outcome.created += try session.query(
            "SELECT herdwatch.ensure_event_partitions((now() AT TIME ZONE 'UTC')::date - 1, $1::integer)", [.int(daysAhead + 1)]
        ).rows.map { try $0.decode(String.self, at: 0) }
        // Days sitting in the default partition get partitions (and their rows) too.
        let stranded = try session.query(
            """
            SELECT DISTINCT (event_time AT TIME ZONE 'UTC')::date::text FROM herdwatch.events_default ORDER BY 1 LIMIT 400
            """).rows.map { try $0.decode(String.self, at: 0) }
        for day in stranded {
            outcome.created += try session.query("SELECT herdwatch.ensure_event_partitions($1::date, 1)", [.text(day)])
                .rows.map { try $0.decode(String.self, at: 0) }
        }
        guard let retentionDays else { return outcome }
        let old = try session.query(
            """
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = 'herdwatch' AND p.relname = 'events' AND c.relname ~ '^events_[0-9]{8}$'
              AND to_date(substr(c.relname, 8), 'YYYYMMDD') < (now() AT TIME ZONE 'UTC')::date - $1::integer
            ORDER BY 1
            """, [.int(retentionDays)]).rows.map { try $0.decode(String.self, at: 0) }
        for name in old {
            let table = "herdwatch." + (try session.quoteIdentifier(name))
            let unread = try session.query(
                """
                SELECT coalesce(max(ingest_seq), 0) > least((SELECT through_seq FROM herdwatch.observation_watermark),
                                                              (SELECT through_seq FROM herdwatch.detector_watermark))
                FROM \(table)
                """).first?.decode(Bool.self, at: 0) ?? false
            if unread {
                outcome.keptUnread.append(name)
                continue
            }
            try session.execute("DROP TABLE \(table)")
            outcome.dropped.append(name)
        }
        return outcome
    }
}
