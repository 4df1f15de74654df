import FileIntegrity
import LibPQ
import Storage

/// The stored form of file-integrity changes: one `herdwatch.events` row per ``FileChange``
/// (inventory lines included), kind `fim`.
///
/// The event key is (host, boot, time, serial). A scan's changes share one time (the scan's),
/// so each needs its own serial, and none may collide with an audit event of the same host:
/// kernel serials are 32-bit and count up from 1 at boot, and listening-socket snapshots count
/// down from 2³²−1. FIM serials therefore live at 2⁴⁰ + the change's index in its scan, a
/// range no 32-bit serial reaches, and carry no boot id (a scan's state outlives reboots).
/// Shipping the same scan again (a spooled batch, a retried transaction) stores nothing twice.
public enum FileChangeEvents {
    /// The kind stored in `herdwatch.events.kind`.
    public static let kind = "fim"
    /// The first serial of a scan's events: above every 32-bit audit serial.
    public static let serialBase: Int64 = 1 << 40

    /// The rows for one scan's changes, in order.
    /// - Parameters:
    ///   - changes: what the scan reported.
    ///   - scanTimeMicroseconds: when the scan ran, microseconds since the epoch: the events' time.
    public static func rows(_ changes: [FileChange], scanTimeMicroseconds: Int64) -> [IngestRow] {
        let time = PostgresTimestamp(microsecondsSinceEpoch: scanTimeMicroseconds)
        return changes.enumerated().map { index, change in
            var row = IngestRow(eventTime: time, serial: serialBase + Int64(index), kind: kind)
            row.path = change.path
            row.success = true
            row.detail = change.detailJSON
            return row
        }
    }
}
