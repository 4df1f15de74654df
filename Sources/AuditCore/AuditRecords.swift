import FleetModel

/// The records of one event in shared storage: their bytes back to back, all their fields
/// (positions in ``bytes``), and a header each.
///
/// An event costs three buffers, reused from event to event (``AuditRecordRecycler``), instead
/// of two arrays per record, and the normalizer reads every record of an event through one
/// pointer to each buffer, with no reference counting per record. A collection of
/// ``AuditRecord`` values for tests and tools; reading one that way copies it out.
public struct AuditRecords: Sendable {
    /// What one record's header says, and where its bytes and fields are.
    public struct Header: Sendable {
        public var type: AuditRecordType
        /// Event time in milliseconds since the Unix epoch.
        public var timestampMilliseconds: Int64
        public var serial: UInt32
        /// Positions in ``AuditRecords/bytes``: the `node=` name (empty when none), the `type=`
        /// name, the whole record.
        public var node: Range<Int32>
        public var typeName: Range<Int32>
        public var bytes: Range<Int32>
        /// Positions in ``AuditRecords/fields``.
        public var fields: Range<Int32>

        /// The record's type name as the log wrote it (or as the type table names it).
        func typeDescription(_ buf: UnsafeRawBufferPointer) -> String {
            if type.code != 0 || typeName.isEmpty { return type.description }
            return AuditText.make(buf.slice(typeName.lowerBound, Int32(typeName.count)))
        }
    }

    public internal(set) var headers: [Header] = []
    public internal(set) var bytes: [UInt8] = []
    public internal(set) var fields: [AuditField] = []

    public init() {}

    /// Records in the order given.
    public init(_ records: [AuditRecord]) {
        for r in records { append(r) }
    }

    /// Appends the record whose header is `header` and whose text is `text`, tokenizing its fields here.
    mutating func append(_ header: AuditRecordParser.Header, text: UnsafeRawBufferPointer) {
        let base = Int32(bytes.count)
        let firstField = Int32(fields.count)
        text.withMemoryRebound(to: UInt8.self) { bytes.append(contentsOf: $0) }  // typed: one memcpy
        bytes.withUnsafeBytes { buf in
            AuditRecordParser.tokenizeFields(buf, from: Int(base + header.fieldsStart), into: &fields)
        }
        headers.append(
            Header(
                type: header.type, timestampMilliseconds: header.timestampMilliseconds, serial: header.serial,
                node: Self.shift(header.node, base), typeName: Self.shift(header.typeName, base),
                bytes: base..<Int32(bytes.count), fields: firstField..<Int32(fields.count)))
    }

    /// Appends a record parsed on its own.
    mutating func append(_ record: borrowing AuditRecord) {
        let base = Int32(bytes.count)
        let firstField = Int32(fields.count)
        bytes.append(contentsOf: record.bytes)
        for var f in record.fields {
            f.keyStart += base
            f.valueStart += base
            fields.append(f)
        }
        headers.append(
            Header(
                type: record.type, timestampMilliseconds: record.timestampMilliseconds, serial: record.serial,
                node: Self.shift(record.node, base), typeName: Self.shift(record.typeName, base),
                bytes: base..<Int32(bytes.count), fields: firstField..<Int32(fields.count)))
    }

    /// Forgets the records, keeping the buffers.
    mutating func removeAll() {
        headers.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
    }

    /// Bytes the records hold (their bytes, fields and headers; spare room not counted): what
    /// the assembler bounds per event and in all.
    var weight: Int {
        bytes.count + fields.count * MemoryLayout<AuditField>.stride + headers.count * MemoryLayout<Header>.stride
    }

    /// Bytes held, counting the buffers' spare room (to bound what a recycler keeps).
    var footprint: Int {
        bytes.capacity + fields.capacity * MemoryLayout<AuditField>.stride + headers.capacity * MemoryLayout<Header>.stride
    }

    private static func shift(_ range: Range<Int32>, _ base: Int32) -> Range<Int32> {
        (range.lowerBound + base)..<(range.upperBound + base)
    }
}

extension AuditRecords: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { headers.count }

    /// A copy of record `i` on its own.
    public subscript(i: Int) -> AuditRecord {
        let h = headers[i]
        let base = h.bytes.lowerBound
        let shift = { (r: Range<Int32>) in (r.lowerBound - base)..<(r.upperBound - base) }
        return AuditRecord(
            type: h.type, timestampMilliseconds: h.timestampMilliseconds, serial: h.serial,
            bytes: Array(bytes[Int(h.bytes.lowerBound)..<Int(h.bytes.upperBound)]),
            fields: fields[Int(h.fields.lowerBound)..<Int(h.fields.upperBound)].map {
                var f = $0
                f.keyStart -= base
                f.valueStart -= base
                return f
            },
            node: h.node.isEmpty ? 0..<0 : shift(h.node), typeName: shift(h.typeName))
    }
}
