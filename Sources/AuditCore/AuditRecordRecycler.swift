/// Record stores of completed events, handed back so that later events are assembled in them.
///
/// A stream reader assembles tens of thousands of events a second; without this each event
/// allocates its buffers and frees them once it is normalized. Bounded: at most ``maximumKept``
/// stores, none holding more than ``maximumFootprint`` bytes, so one huge event (a long argument
/// list) is not kept forever.
public struct AuditRecordRecycler: Sendable {
    static let maximumKept = 64
    static let maximumFootprint = 32 << 10  // a typical event needs 3–6 KB; at most 2 MB kept in all

    private var spares: [AuditRecords] = []

    public init() {}

    /// An empty store, with buffers kept from an earlier event when there is one.
    mutating func take() -> AuditRecords { spares.popLast() ?? AuditRecords() }

    /// Takes back the buffers of `records` (left empty).
    public mutating func recycle(_ records: inout AuditRecords) {
        guard spares.count < Self.maximumKept, records.footprint <= Self.maximumFootprint else {
            records = AuditRecords()
            return
        }
        records.removeAll()
        var kept = AuditRecords()
        swap(&kept, &records)  // a move: no copy, no reference counting
        spares.append(kept)
    }
}
