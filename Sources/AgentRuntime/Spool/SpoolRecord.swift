/// The framing of one batch in a spool segment file.
///
/// A segment is a plain concatenation of records; there is no file header, so a segment cut
/// anywhere is still a valid prefix. All integers are little-endian, whatever the host.
///
/// ```
/// offset size  field
///      0    4  magic "HWSP" (0x48 0x57 0x53 0x50)
///      4    1  format version, 1
///      5    3  reserved, zero
///      8    4  body length in bytes (UInt32)
///     12    4  event count (UInt32)
///     16    8  batch sequence (UInt64)
///     24    4  header checksum: CRC-32C of bytes 0..<24
///     28    4  body checksum: CRC-32C of the body
///     32    n  body: position length (UInt32), position bytes, payload bytes
/// ```
///
/// Why two checksums: the header checksum makes the length trustworthy before it is used, so a
/// flipped bit in a length is reported as corruption at that offset instead of sending the
/// reader past the end of the file, and the header alone (event count, sequence) can be read
/// to count what a dropped segment held without reading its bodies.
enum SpoolRecord {
    static let magic: [UInt8] = Array("HWSP".utf8)
    static let version: UInt8 = 1
    static let headerSize = 32

    /// A record's header, checked.
    struct Header: Equatable {
        var bodyLength: Int
        var eventCount: UInt32
        var sequence: UInt64
        var bodyChecksum: UInt32
        var recordSize: Int { SpoolRecord.headerSize + bodyLength }
    }

    /// Why bytes are not a record.
    enum Defect: Equatable {
        case badMagic, badVersion, badHeaderChecksum, badBodyChecksum, badBody
    }

    /// The record for `batch`, header and body, ready for one write(2).
    static func encode(_ batch: ShipBatch) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(4 + batch.position.count + batch.payload.count)
        appendLittleEndian(UInt32(batch.position.count), to: &body)
        body += batch.position
        body += batch.payload
        var record: [UInt8] = []
        record.reserveCapacity(headerSize + body.count)
        record += magic
        record += [version, 0, 0, 0]
        appendLittleEndian(UInt32(body.count), to: &record)
        appendLittleEndian(batch.eventCount, to: &record)
        appendLittleEndian(batch.sequence, to: &record)
        appendLittleEndian(CRC32C.checksum(record), to: &record)
        appendLittleEndian(CRC32C.checksum(body), to: &record)
        record += body
        return record
    }

    /// Checks and decodes a record header.
    /// - Parameter bytes: exactly ``headerSize`` bytes.
    static func decodeHeader(_ bytes: ArraySlice<UInt8>) -> Result<Header, DefectError> {
        precondition(bytes.count == headerSize, "a spool header is \(headerSize) bytes, got \(bytes.count)")
        let start = bytes.startIndex
        guard bytes[start..<start + 4].elementsEqual(magic) else { return .failure(DefectError(.badMagic)) }
        guard bytes[start + 4] == version else { return .failure(DefectError(.badVersion)) }
        let storedChecksum = UInt32(littleEndian: bytes, at: start + 24)
        guard CRC32C.checksum(bytes[start..<start + 24]) == storedChecksum else {
            return .failure(DefectError(.badHeaderChecksum))
        }
        return .success(
            Header(
                bodyLength: Int(UInt32(littleEndian: bytes, at: start + 8)),
                eventCount: UInt32(littleEndian: bytes, at: start + 12),
                sequence: UInt64(littleEndian: bytes, at: start + 16),
                bodyChecksum: UInt32(littleEndian: bytes, at: start + 28)
            )
        )
    }

    /// Checks a body against its header and rebuilds the batch.
    static func decodeBody(_ body: [UInt8], header: Header) -> Result<ShipBatch, DefectError> {
        guard CRC32C.checksum(body) == header.bodyChecksum else { return .failure(DefectError(.badBodyChecksum)) }
        guard body.count >= 4 else { return .failure(DefectError(.badBody)) }
        let positionLength = Int(UInt32(littleEndian: body[...], at: 0))
        guard positionLength <= body.count - 4 else { return .failure(DefectError(.badBody)) }
        return .success(
            ShipBatch(
                sequence: header.sequence,
                eventCount: header.eventCount,
                payload: Array(body[(4 + positionLength)...]),
                position: Array(body[4..<(4 + positionLength)])
            )
        )
    }

    /// A ``Defect`` as an `Error`, so it fits in a `Result`.
    struct DefectError: Error, Equatable {
        var defect: Defect
        init(_ defect: Defect) { self.defect = defect }
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

extension FixedWidthInteger {
    /// Reads a little-endian integer at `index` of `bytes` (which holds enough bytes).
    init(littleEndian bytes: ArraySlice<UInt8>, at index: Int) {
        var value: Self = 0
        for offset in (0..<MemoryLayout<Self>.size).reversed() {
            value = value << 8 | Self(bytes[index + offset])
        }
        self = value
    }
}
