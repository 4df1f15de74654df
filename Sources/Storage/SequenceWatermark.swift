import LibPQ

/// How far a reader of the events table (the observations rollup, the detector) has walked the
/// ingest sequence: a one-row table with `through_seq`. Locking the row for the length of a
/// chunk's transaction makes two readers of one kind take turns.
struct SequenceWatermark {
    /// One of the fixed watermark tables; never built from input.
    enum Table: String {
        case observations = "herdwatch.observation_watermark"
        case detector = "herdwatch.detector_watermark"
    }

    let session: Session
    let table: Table

    /// Locks the row until the transaction ends and returns its value.
    func lock() throws -> Int64 {
        try session.query("SELECT through_seq FROM \(table.rawValue) FOR UPDATE").first?.decode(Int64.self, at: 0) ?? 0
    }

    func read() throws -> Int64 {
        try session.query("SELECT through_seq FROM \(table.rawValue)").first?.decode(Int64.self, at: 0) ?? 0
    }

    func advance(to seq: Int64) throws {
        try session.query("UPDATE \(table.rawValue) SET through_seq = $1, updated_at = now()", [.int64(seq)])
    }
}
