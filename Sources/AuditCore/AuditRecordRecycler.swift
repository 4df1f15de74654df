/// Buffers of finished records, handed back so that later records are parsed into them.
///
/// A stream reader parses tens of thousands of records a second; without this each record
/// allocates its byte copy and its field list, and frees both once its event is normalized
/// (about half of all heap traffic of `parse`). Bounded: at most ``maximumKept`` buffers of
/// each kind, none larger than ``maximumCapacity`` bytes, so one huge record is not kept forever.
public struct AuditRecordRecycler: Sendable {
    static let maximumKept = 512
    static let maximumCapacity = 16 << 10

    private var spareBytes: [[UInt8]] = []
    private var spareFields: [[AuditField]] = []
    private var spareLists: [[AuditRecord]] = []

    public init() {}

    /// An empty byte buffer, with room kept from an earlier record when there is one.
    mutating func takeBytes() -> [UInt8] { spareBytes.popLast() ?? [] }

    /// An empty field list, with room kept from an earlier record when there is one.
    mutating func takeFields() -> [AuditField] { spareFields.popLast() ?? [] }

    /// An empty record list for a new event.
    mutating func takeList() -> [AuditRecord] {
        if let list = spareLists.popLast() { return list }
        var list: [AuditRecord] = []
        list.reserveCapacity(8)
        return list
    }

    /// Takes back the buffers of `records` (left empty) for later records.
    public mutating func recycle(_ records: inout [AuditRecord]) {
        for i in records.indices {
            Self.keep(&records[i].bytes, in: &spareBytes)
            Self.keep(&records[i].fields, in: &spareFields)
        }
        records.removeAll(keepingCapacity: true)
        Self.keep(&records, in: &spareLists)
    }

    /// Moves `buffer`, emptied, to `spares` (no copy, no reference count traffic) if there is room.
    private static func keep<T>(_ buffer: inout [T], in spares: inout [[T]]) {
        let size = buffer.capacity * MemoryLayout<T>.stride
        guard spares.count < maximumKept, size > 0, size <= maximumCapacity else { return }
        buffer.removeAll(keepingCapacity: true)
        var kept: [T] = []
        swap(&kept, &buffer)
        spares.append(kept)
    }
}
