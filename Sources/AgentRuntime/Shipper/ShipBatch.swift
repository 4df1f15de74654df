/// One batch on its way to the database: what the normalizer hands the shipper and what the
/// spool stores.
///
/// The shipper treats it as opaque: it does not decode `payload` and never looks inside
/// `position`. Storage is exactly-once because shipping is at-least-once (a batch can be
/// shipped again after a crash or a replay) and every event in the payload carries the unique
/// event key the database deduplicates on.
public struct ShipBatch: Hashable, Sendable {
    /// Increasing per agent; orders batches and names them in logs and in the spool.
    public var sequence: UInt64
    /// How many events the payload holds, so a dropped batch can be counted in events.
    public var eventCount: UInt32
    /// The encoded events, as the sink writes them (for PostgreSQL: COPY data).
    public var payload: [UInt8]
    /// The source position this batch ends at (for example a log file's inode and offset),
    /// opaque here: once the batch is in the database or the spool, the reader's checkpoint
    /// may advance to it.
    public var position: [UInt8]

    public init(sequence: UInt64, eventCount: UInt32, payload: [UInt8], position: [UInt8] = []) {
        self.sequence = sequence
        self.eventCount = eventCount
        self.payload = payload
        self.position = position
    }
}
