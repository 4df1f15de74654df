#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses audit records from auditd log lines and netlink payloads, over bytes.
///
/// Formats: auditd's log (`man 5 auditd.conf` `log_format = RAW | ENRICHED`; ENRICHED appends
/// interpreted upper-case fields after a 0x1D group separator) and the kernel's netlink payload
/// (`audit(SECONDS.MILLIS:SERIAL): fields`, the record type in `nlmsghdr.nlmsg_type`,
/// `<linux/audit.h>`; kernel `audit_log_start` writes the stamp as `%llu.%03lu:%u`).
///
/// Parsing never fails on field content: unterminated quotes end at the end of the record and
/// free text without `=` is skipped. Only a record without a usable `msg=audit(…)` stamp is
/// malformed; it comes back as ``Result/malformed(_:_:)`` with its bytes, to be counted and kept.
public enum AuditRecordParser {
    /// Longer records are cut to this and reported malformed. The kernel's own limit is
    /// `MAX_AUDIT_MESSAGE_LENGTH` (8970 bytes); ENRICHED lines and EXECVE are shorter still.
    public static let maximumRecordLength = 1 << 20

    public enum Result: Sendable {
        case record(AuditRecord)
        case malformed(reason: MalformedReason, bytes: [UInt8])
    }

    public enum MalformedReason: String, Sendable, Error {
        case missingType = "missing type="
        case missingStamp = "missing msg=audit(SECONDS.MILLIS:SERIAL) stamp"
        case tooLong = "record longer than the maximum"
    }

    /// Parses one log line (without its newline).
    ///
    /// ```swift
    /// if case .record(let r) = AuditRecordParser.parseLogLine(line) { assembler.recordReceived(r) }
    /// ```
    public static func parseLogLine(_ line: UnsafeRawBufferPointer) -> Result {
        if let cut = overlong(line) { return .malformed(reason: .tooLong, bytes: cut) }
        return parse(logLineText(line), netlinkType: nil)
    }

    /// Parses one netlink payload of type `type` (`audit(…): fields`, trailing NULs and newline ignored).
    public static func parseNetlinkPayload(type: UInt16, _ payload: UnsafeRawBufferPointer) -> Result {
        let text = netlinkText(payload)
        if let cut = overlong(text) { return .malformed(reason: .tooLong, bytes: cut) }
        return parse(text, netlinkType: AuditRecordType(code: type))
    }

    /// The first ``maximumRecordLength`` bytes of `text` when it is longer (what a `.tooLong`
    /// malformed record carries); nil when it fits.
    static func overlong(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        text.count > maximumRecordLength ? Array(text.prefix(maximumRecordLength)) : nil
    }

    /// A log line without a trailing carriage return.
    static func logLineText(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        line.last == 0x0D ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line
    }

    /// A netlink payload without its trailing NULs and newline.
    static func netlinkText(_ payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var end = payload.count
        while end > 0, payload[end - 1] == 0 || payload[end - 1] == 0x0A { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: payload[0..<end])
    }

    private static func parse(_ text: UnsafeRawBufferPointer, netlinkType: AuditRecordType?) -> Result {
        let bytes = [UInt8](text)
        let header: Header
        do throws(MalformedReason) {
            header = try parseHeader(text, netlinkType: netlinkType)
        } catch {
            return .malformed(reason: error, bytes: bytes)
        }
        var fields: [AuditField] = []
        bytes.withUnsafeBytes { tokenizeFields($0, from: Int(header.fieldsStart), into: &fields) }
        return .record(
            AuditRecord(
                type: header.type, timestampMilliseconds: header.timestampMilliseconds, serial: header.serial,
                bytes: bytes, fields: fields, node: header.node, typeName: header.typeName))
    }

    /// What a record's header says; positions are relative to the record's first byte.
    struct Header {
        var type: AuditRecordType
        var timestampMilliseconds: Int64
        var serial: UInt32
        var node: Range<Int32> = 0..<0
        var typeName: Range<Int32> = 0..<0
        /// Where the fields begin, after the stamp.
        var fieldsStart: Int32
    }

    /// Reads `[node=NAME ]type=NAME msg=audit(SECONDS.MILLIS:SERIAL):`, or for a netlink
    /// payload (`netlinkType` given) just the stamp.
    static func parseHeader(_ buf: UnsafeRawBufferPointer, netlinkType: AuditRecordType?) throws(MalformedReason) -> Header {
        var memo = StampMemo()
        return try parseHeader(buf, netlinkType: netlinkType, memo: &memo)
    }

    /// Reads a header like ``parseHeader(_:netlinkType:)``, taking the stamp from `memo` when
    /// it is the same as the last one read (the records of one event share it).
    static func parseHeader(
        _ buf: UnsafeRawBufferPointer, netlinkType: AuditRecordType?, memo: inout StampMemo
    ) throws(MalformedReason) -> Header {
        var header = Header(type: netlinkType ?? AuditRecordType(code: 0), timestampMilliseconds: 0, serial: 0, fieldsStart: 0)
        var scanner = Scanner(buf)
        if netlinkType == nil {
            if scanner.consume("node=") {
                let start = scanner.index
                scanner.skip(until: 0x20)
                header.node = Int32(start)..<Int32(scanner.index)
                scanner.skipSpaces()
            }
            guard scanner.consume("type=") else { throw .missingType }
            let start = scanner.index
            scanner.skip(until: 0x20)
            header.typeName = Int32(start)..<Int32(scanner.index)
            header.type = AuditRecordType.lookUp(buf.slice(start, scanner.index - start)) ?? AuditRecordType(code: 0)
            scanner.skipSpaces()
            guard scanner.consume("msg=") else { throw .missingStamp }
        }
        let stampStart = scanner.index
        if memo.matches(buf, at: stampStart) {
            header.timestampMilliseconds = memo.timestampMilliseconds
            header.serial = memo.serial
            scanner.index = stampStart + memo.length
        } else {
            (header.timestampMilliseconds, header.serial) = try readStamp(&scanner)
            memo.remember(buf, stampStart..<scanner.index, header.timestampMilliseconds, header.serial)
        }
        _ = scanner.consume(":")
        header.fieldsStart = Int32(scanner.index)
        return header
    }

    /// Reads `audit(SECONDS.MILLIS:SERIAL)`: event time in milliseconds and the serial.
    private static func readStamp(_ scanner: inout Scanner) throws(MalformedReason) -> (Int64, UInt32) {
        guard scanner.consume("audit("), let seconds = scanner.decimal(), scanner.consume(".") else {
            throw .missingStamp
        }
        let millisStart = scanner.index
        guard let fraction = scanner.decimal() else { throw .missingStamp }
        let digits = scanner.index - millisStart
        var millis = fraction
        if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        // `decimal()` keeps the first 19 digits of a longer run: 16 divisions leave their first three.
        if digits > 3 { for _ in 3..<min(digits, 19) { millis /= 10 } }
        guard scanner.consume(":"), let serial = scanner.decimal(), serial <= UInt64(UInt32.max),
            scanner.consume(")"), seconds < 1 << 40
        else { throw .missingStamp }
        return (Int64(seconds) * 1000 + Int64(millis), UInt32(serial))
    }

    /// The last stamp read (`audit(…)`, 16 to 32 bytes) and what it said, kept by a stream
    /// reader: most records repeat the stamp of the record before (an event's records share
    /// it), and comparing four words costs less than reading some twenty digits again. Only
    /// the bytes decide, so a match reads exactly what parsing them would.
    struct StampMemo {
        /// The stamp's first 16 bytes and its last 16 (overlapping when shorter than 32).
        private var head: (UInt64, UInt64) = (0, 0)
        private var tail: (UInt64, UInt64) = (0, 0)
        /// 0 when empty.
        private(set) var length = 0
        private(set) var timestampMilliseconds: Int64 = 0
        private(set) var serial: UInt32 = 0

        @inline(__always)
        func matches(_ buf: UnsafeRawBufferPointer, at start: Int) -> Bool {
            let n = length
            guard n > 0, buf.count - start >= n, let base = buf.baseAddress else { return false }
            let p = base + start
            return p.loadUnaligned(as: UInt64.self) == head.0
                && p.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == head.1
                && p.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self) == tail.0
                && p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == tail.1
        }

        mutating func remember(_ buf: UnsafeRawBufferPointer, _ stamp: Range<Int>, _ time: Int64, _ serial: UInt32) {
            let n = stamp.count
            guard n >= 16, n <= 32, let base = buf.baseAddress else {
                length = 0
                return
            }
            let p = base + stamp.lowerBound
            head = (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            tail = (p.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self), p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            length = n
            timestampMilliseconds = time
            self.serial = serial
        }
    }

    /// Appends the `key=value` fields from `start` to the end to `fields`, handling `msg='…'`
    /// and the 0x1D separator.
    static func tokenizeFields(_ buf: UnsafeRawBufferPointer, from start: Int, into fields: inout [AuditField]) {
        // Collect into a stack buffer, then append them at once: no per-field growth checks.
        // Records with more fields than fit continue in an overflow array.
        withUnsafeTemporaryAllocation(of: AuditField.self, capacity: 64) { scratch in
            var sink = FieldSink(scratch: scratch)
            let gs = indexOfGroupSeparator(buf, from: start)
            tokenize(buf, start, gs, .kernel, &sink)
            if gs < buf.count { tokenize(buf, gs + 1, buf.count, .enriched, &sink) }
            fields.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<sink.count]))
            if !sink.overflow.isEmpty { fields += sink.overflow }
        }
    }

    /// Where the tokenizer puts fields: a fixed scratch buffer first, then an overflow array.
    struct FieldSink {
        let scratch: UnsafeMutableBufferPointer<AuditField>
        var count = 0
        var overflow: [AuditField] = []

        @inline(__always)
        mutating func append(_ field: AuditField) {
            if count < scratch.count {
                scratch.initializeElement(at: count, to: field)
                count += 1
            } else {
                overflow.append(field)
            }
        }
    }

    /// The kernel hex-encodes every value holding a control byte, so the first 0x1D is auditd's.
    private static func indexOfGroupSeparator(_ buf: UnsafeRawBufferPointer, from start: Int) -> Int {
        ByteScan.firstByMemchr(0x1D, buf, start, buf.count)
    }

    private static func tokenize(
        _ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ origin: AuditField.Origin,
        _ fields: inout FieldSink
    ) {
        var i = start
        while i < end {
            // Skip separators.
            while i < end, buf[i] == 0x20 || buf[i] == 0x09 { i += 1 }
            if i >= end { break }
            let keyStart = i
            i = ByteScan.first(UInt8(ascii: "="), or: 0x20, buf, i, end)
            if i >= end || buf[i] == 0x20 { continue }  // free text, not a field
            let keyLength = i - keyStart
            i += 1  // '='
            if keyLength == 0 { continue }
            let valueStart: Int
            let valueEnd: Int
            var encoding = AuditField.Encoding.bare
            if i < end, buf[i] == UInt8(ascii: "\"") {
                encoding = .doubleQuoted
                valueStart = i + 1
                let j = ByteScan.first(UInt8(ascii: "\""), buf, valueStart, end)
                valueEnd = j
                i = min(j + 1, end)
            } else if i < end, buf[i] == UInt8(ascii: "'") {
                encoding = .singleQuoted
                valueStart = i + 1
                let isMessage = origin == .kernel && keyLength == 3 && buf[keyStart] == UInt8(ascii: "m")
                    && buf[keyStart + 1] == UInt8(ascii: "s") && buf[keyStart + 2] == UInt8(ascii: "g")
                var j: Int
                if isMessage {
                    // A user message's msg='…' runs to the last quote of this part: its inner fields
                    // are quoted with " or hex, so the last ' closes it.
                    j = end - 1
                    while j >= valueStart, buf[j] != UInt8(ascii: "'") { j -= 1 }
                    if j < valueStart { j = end }
                } else {
                    j = ByteScan.first(UInt8(ascii: "'"), buf, valueStart, end)
                }
                valueEnd = j
                i = min(j + 1, end)
                if isMessage {
                    tokenize(buf, valueStart, valueEnd, .userMessage, &fields)
                    continue
                }
            } else {
                valueStart = i
                i = ByteScan.first(0x20, buf, i, end)
                valueEnd = i
            }
            fields.append(
                AuditField(
                    keyStart: Int32(keyStart), keyLength: Int32(keyLength), valueStart: Int32(valueStart),
                    valueLength: Int32(valueEnd - valueStart), encoding: encoding, origin: origin))
        }
    }
}

/// A cursor over bytes for the record header.
struct Scanner {
    let buf: UnsafeRawBufferPointer
    var index = 0

    init(_ buf: UnsafeRawBufferPointer) { self.buf = buf }

    @inline(__always)
    mutating func consume(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard buf.count - index >= n, let base = buf.baseAddress else { return false }
        if n == 1 {
            guard base.load(fromByteOffset: index, as: UInt8.self) == literal.utf8Start[0] else { return false }
        } else if memcmp(base + index, literal.utf8Start, n) != 0 {
            return false
        }
        index += n
        return true
    }

    mutating func skip(until byte: UInt8) {
        while index < buf.count, buf[index] != byte { index += 1 }
    }

    mutating func skipSpaces() {
        while index < buf.count, buf[index] == 0x20 { index += 1 }
    }

    /// Up to 19 decimal digits; nil when there is none.
    mutating func decimal() -> UInt64? {
        var v: UInt64 = 0
        let start = index
        while index < buf.count, buf[index] >= 0x30, buf[index] <= 0x39 {
            if index - start < 19 { v = v &* 10 &+ UInt64(buf[index] &- 0x30) }  // 19 digits fit
            index += 1
        }
        return index > start ? v : nil
    }
}
