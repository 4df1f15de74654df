import FileIntegrity
import LibPQ
import Storage

/// Ships one scan's changes straight to PostgreSQL through the agents' ingest path
/// (``EventIngest``), for `herdwatch-agent scan`: no spool, since the scan's state is only
/// saved once the changes are stored, so a failed shipment is reported again by the next scan.
///
/// ```swift
/// let session = try Session(conninfo: url)
/// let outcome = try FileChangeShipment(hostname: "web-1", machineID: nil).ship(report.changes, scanTimeMicroseconds: now, session: session)
/// ```
public struct FileChangeShipment: Sendable {
    public let hostname: String
    public let machineID: String?
    /// Rows per ingest transaction: a first scan's inventory can hold 100,000 files.
    public let batchRows: Int

    public init(hostname: String, machineID: String?, batchRows: Int = 10_000) {
        self.hostname = hostname
        self.machineID = machineID
        self.batchRows = max(1, batchRows)
    }

    /// Stores `changes` as `fim` events, `batchRows` per transaction.
    /// - Returns: the summed outcome; `refused` when the database refused the host (nothing
    ///   further is sent).
    /// - Throws: `PostgresError` when the database fails; earlier batches stay stored.
    public func ship(_ changes: [FileChange], scanTimeMicroseconds: Int64, session: Session) throws -> EventIngest.Outcome {
        let rows = FileChangeEvents.rows(changes, scanTimeMicroseconds: scanTimeMicroseconds)
        var total = EventIngest.Outcome(stored: 0, duplicates: 0)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + batchRows)
            let outcome = try EventIngest.ingest(Array(rows[start..<end]), hostname: hostname, machineID: machineID, session: session)
            if outcome.refused { return EventIngest.Outcome(stored: total.stored, duplicates: total.duplicates, refused: true) }
            total.stored += outcome.stored
            total.duplicates += outcome.duplicates
            start = end
        }
        return total
    }
}
