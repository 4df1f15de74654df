import LibPQ

/// Reads the alert outbox for one sink and records what the sink did with each row.
///
/// `FindingStore.record` queues exactly one outbox row per new, escalated or reopened finding;
/// each sink keeps its own progress as rows of `alert_deliveries`, so adding a sink later
/// delivers the backlog to it alone, and a row is never delivered twice to the same sink.
///
/// Delivery is at least once: the sink delivers, then the delivery is recorded. A crash in
/// between sends that alert again on the next run.
///
/// ```swift
/// let store = AlertOutboxStore(session: session)
/// for alert in try store.pending(sink: "jsonl", limit: 100) where alert.hold == .none {
///     … deliver …
///     try store.recordDelivery(outboxID: alert.outboxID, sink: "jsonl", outcome: .delivered, attempts: 1)
/// }
/// ```
public struct AlertOutboxStore {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// What became of one outbox row at one sink (the `alert_deliveries.outcome` column).
    public enum Outcome: String, Sendable, Hashable {
        case delivered, dropped, failed
    }

    /// Rows of the outbox this sink has not recorded yet, oldest first, each with the finding
    /// as it stands now and whether a maintenance window holds it.
    /// - Parameters:
    ///   - sink: the sink's name in `alert_deliveries`.
    ///   - afterID: only rows after this outbox id (for paging past held rows).
    ///   - limit: at most this many rows.
    public func pending(sink: String, afterID: Int64 = 0, limit: Int) throws -> [PendingAlert] {
        let rows = try session.query(Self.pendingQuery, [.text(sink), .int(limit), .int64(afterID)])
        return try rows.rows.map { row in
            let heldNow: Bool = try column(row, "held_now")
            let heldAtCreation: Bool = try column(row, "held_at_creation")
            let status: String = try column(row, "status")
            let hold: PendingAlert.Hold
            if heldNow {
                hold = .held
            } else if heldAtCreation && !["open", "acknowledged"].contains(status) {
                hold = .endedWithFindingClosed
            } else {
                hold = .none
            }
            var evidence: PendingAlert.EvidenceLine?
            if let host: String? = try column(row, "ev_host"), let host {
                evidence = PendingAlert.EvidenceLine(
                    host: host, user: try column(row, "ev_user"), uid: try column(row, "ev_uid"),
                    exe: try column(row, "ev_exe"), argv: (try column(row, "ev_argv") as [String?]? ?? []).compactMap { $0 },
                    destination: try column(row, "ev_destination"))
            }
            return PendingAlert(
                outboxID: try column(row, "outbox_id"), reason: try column(row, "reason"), queuedAt: try column(row, "queued_at"),
                findingID: try column(row, "finding_id"), kind: try column(row, "kind"), role: try column(row, "role"),
                subject: try column(row, "subject"), status: status, severity: try column(row, "severity"),
                hosts: (try column(row, "hosts") as [String?]).compactMap { $0 }, hostCount: try column(row, "host_count"),
                roleHosts: try column(row, "role_hosts"), eventCount: try column(row, "event_count"),
                firstSeen: try column(row, "first_seen"), lastSeen: try column(row, "last_seen"),
                baselineVersion: try column(row, "baseline_id"), hold: hold, evidence: evidence)
        }
    }

    private func column<T: PostgresDecodable>(_ row: Row, _ name: String) throws -> T {
        try row.decode(T.self, name)
    }

    /// Records what a sink did with an outbox row. A second record for the same row and sink
    /// (another dispatcher got there first) is ignored.
    /// - Returns: whether this call recorded it.
    @discardableResult
    public func recordDelivery(outboxID: Int64, sink: String, outcome: Outcome, attempts: Int, error: String? = nil) throws -> Bool {
        try session.query(
            """
            INSERT INTO herdwatch.alert_deliveries (outbox_id, sink, outcome, attempts, error)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT (outbox_id, sink) DO NOTHING
            """,
            [.int64(outboxID), .text(sink), .text(outcome.rawValue), .int(attempts), .optional(error)]
        ).affectedRows == 1
    }

    /// Takes the sink's dispatch lock for this session, so that two service replicas never
    /// deliver the same rows at once (a PostgreSQL advisory lock, released by ``unlock(sink:)``
    /// or when the session ends).
    /// - Returns: false when another session holds it.
    public func tryLock(sink: String) throws -> Bool {
        try session.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", [.text("herdwatch.alerts." + sink)])
            .first?.decode(Bool.self, at: 0) ?? false
    }

    public func unlock(sink: String) throws {
        try session.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [.text("herdwatch.alerts." + sink)])
    }

    /// Outbox rows without a delivery for `$1`, oldest first, with the finding, its hosts, the
    /// newest evidence event and the maintenance-window state. A host is covered by a window of
    /// its own or of the finding's role; the finding is held when every one of its hosts is.
    static let pendingQuery = """
        SELECT o.id AS outbox_id, o.reason, o.created_at AS queued_at,
               f.id AS finding_id, f.kind, f.role, f.subject, f.status, f.severity, f.host_count, f.role_hosts,
               f.event_count, f.first_seen, f.last_seen, f.baseline_id,
               ARRAY(SELECT h.name FROM herdwatch.finding_hosts fh JOIN herdwatch.hosts h ON h.id = fh.host_id
                     WHERE fh.finding_id = f.id ORDER BY h.name) AS hosts,
               \(held(at: "now()")) AS held_now,
               \(held(at: "o.created_at")) AS held_at_creation,
               ev.event ->> 'host' AS ev_host,
               coalesce(ev.event -> 'user' ->> 'auid_name', ev.event -> 'user' ->> 'uid_name') AS ev_user,
               ev.event -> 'user' ->> 'uid' AS ev_uid,
               ev.event -> 'process' ->> 'exe' AS ev_exe,
               CASE WHEN jsonb_typeof(ev.event -> 'process' -> 'argv') = 'array'
                    THEN ARRAY(SELECT jsonb_array_elements_text(ev.event -> 'process' -> 'argv')) END AS ev_argv,
               CASE WHEN ev.event -> 'socket' ? 'address'
                    THEN (ev.event -> 'socket' ->> 'address') || coalesce(':' || (ev.event -> 'socket' ->> 'port'), '') END
                   AS ev_destination
        FROM herdwatch.alert_outbox o
        JOIN herdwatch.findings f ON f.id = o.finding_id
        LEFT JOIN LATERAL (SELECT e.event FROM herdwatch.finding_evidence e WHERE e.finding_id = f.id
                           ORDER BY e.at DESC, e.source DESC LIMIT 1) ev ON true
        WHERE o.id > $3
          AND NOT EXISTS (SELECT 1 FROM herdwatch.alert_deliveries d WHERE d.outbox_id = o.id AND d.sink = $1)
        ORDER BY o.id
        LIMIT $2
        """

    /// True when every host of finding `f` lies under a maintenance window active at `instant`.
    private static func held(at instant: String) -> String {
        """
        (EXISTS (SELECT 1 FROM herdwatch.finding_hosts fh WHERE fh.finding_id = f.id)
         AND NOT EXISTS (
            SELECT 1 FROM herdwatch.finding_hosts fh
            WHERE fh.finding_id = f.id
              AND NOT EXISTS (
                  SELECT 1 FROM herdwatch.maintenance_windows w
                  WHERE w.starts_at <= \(instant) AND w.ends_at > \(instant)
                    AND (w.host_id = fh.host_id OR w.role = f.role))))
        """
    }
}
