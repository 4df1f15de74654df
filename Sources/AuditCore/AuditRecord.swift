import FleetModel

/// One audit record, parsed but not interpreted: its header and the positions of its fields in
/// its own copy of the bytes. No `String` is made until the normalizer stores a field.
///
/// Wire format (auditd's log, `man 8 auditd`, `log_format` RAW or ENRICHED; netlink payloads
/// without the first two parts):
/// ```
/// [node=NAME ]type=NAME msg=audit(SECONDS.MILLIS:SERIAL): key=value key="value" … [0x1D KEY="value" …]
/// ```
public struct AuditRecord: Sendable {
    public var type: AuditRecordType
    /// Event time in milliseconds since the Unix epoch.
    public var timestampMilliseconds: Int64
    /// The event serial; every record of one event shares it.
    public var serial: UInt32
    /// The record as received (no trailing newline).
    public var bytes: [UInt8]
    /// The fields, in order: kernel fields, then fields inside `msg='…'`, then ENRICHED fields.
    public var fields: [AuditField]
    /// Where the `node=` name is in ``bytes``; empty when there is none.
    public var node: Range<Int32>
    /// Where the `type=` name is in ``bytes`` (to print names missing from the type table).
    public var typeName: Range<Int32>

    /// The field named `key` from the given origins, first match.
    public func field(_ key: StaticString, origin: AuditField.Origin? = nil) -> AuditField? {
        bytes.withUnsafeBytes { buf in
            let k = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            for f in fields where (origin == nil || f.origin == origin) && f.keyLength == k.count {
                if buf.slice(f.keyStart, f.keyLength).elementsEqual(k) { return f }
            }
            return nil
        }
    }

    /// The record's type name as the log wrote it (or as the type table names it).
    public var typeDescription: String {
        if type.code != 0 || typeName.isEmpty { return type.description }
        return bytes.withUnsafeBytes { AuditText.make($0.slice(Int(typeName.lowerBound), typeName.count)) }
    }
}

/// Where one `key=value` sits in ``AuditRecord/bytes``. Offsets are `Int32`: records are
/// capped at ``AuditRecordParser/maximumRecordLength``.
public struct AuditField: Sendable, Hashable {
    public enum Origin: UInt8, Sendable {
        /// Written by the kernel (or the user-space sender) before any `msg='…'` part.
        case kernel
        /// Inside a user-space message's `msg='…'`.
        case userMessage
        /// Upper-case fields auditd appends after 0x1D in the ENRICHED format.
        case enriched
    }

    /// How the value was written. Whether a bare value is hex depends on the field
    /// (kernel `audit_log_n_untrustedstring`): the normalizer decides.
    public enum Encoding: UInt8, Sendable {
        /// `key="value"` (quotes not included in the value span).
        case doubleQuoted
        /// `key='value'`.
        case singleQuoted
        /// `key=value`: a number, a word, `(null)`, `?`, or hex for untrusted strings.
        case bare
    }

    public var keyStart: Int32
    public var keyLength: Int32
    public var valueStart: Int32
    public var valueLength: Int32
    public var encoding: Encoding
    public var origin: Origin
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func slice(_ start: Int32, _ length: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[Int(start)..<Int(start + length)])
    }

    @inline(__always)
    func slice(_ start: Int, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[start..<(start + length)])
    }
}
