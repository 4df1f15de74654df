#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One value bound to a `$n` placeholder. Values are always sent as parameters, never spliced
/// into SQL text, so host-supplied strings cannot change a statement's meaning.
///
/// Each case carries its PostgreSQL type, which the server uses to resolve the placeholder:
/// `WHERE id = $1` with `.int64(7)` compares as bigint.
public enum SQLParameter: Sendable, Hashable {
    case null
    case text(String)
    case int32(Int32)
    case int64(Int64)
    case bool(Bool)
    case double(Double)
    case timestamp(PostgresTimestamp)
    /// An `inet` or `cidr` value in PostgreSQL's text form (`192.0.2.1`, `2001:db8::/32`).
    case inet(String)
    case textArray([String?])
    /// A JSON document, sent as `jsonb`.
    case jsonb(String)
    case bytea([UInt8])

    public static func int(_ value: Int) -> SQLParameter { .int64(Int64(value)) }
    public static func date(_ value: Date) -> SQLParameter { .timestamp(PostgresTimestamp(value)) }
    public static func optional(_ value: String?) -> SQLParameter { value.map(SQLParameter.text) ?? .null }
}

extension SQLParameter: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension SQLParameter {
    /// PostgreSQL type OIDs (src/include/catalog/pg_type.dat).
    enum TypeOID {
        static let unknown: UInt32 = 0
        static let bool: UInt32 = 16
        static let bytea: UInt32 = 17
        static let int8: UInt32 = 20
        static let int4: UInt32 = 23
        static let text: UInt32 = 25
        static let float8: UInt32 = 701
        static let inet: UInt32 = 869
        static let textArray: UInt32 = 1009
        static let timestamptz: UInt32 = 1184
        static let jsonb: UInt32 = 3802
    }

    /// The OID sent in `paramTypes`; `.null` stays unknown so the server infers it from context.
    var typeOID: UInt32 {
        switch self {
        case .null: return TypeOID.unknown
        case .text: return TypeOID.text
        case .int32: return TypeOID.int4
        case .int64: return TypeOID.int8
        case .bool: return TypeOID.bool
        case .double: return TypeOID.float8
        case .timestamp: return TypeOID.timestamptz
        case .inet: return TypeOID.inet
        case .textArray: return TypeOID.textArray
        case .jsonb: return TypeOID.jsonb
        case .bytea: return TypeOID.bytea
        }
    }

    /// The wire bytes: text format for everything but bytea, which goes in binary format so no
    /// escaping is needed. `nil` is SQL NULL.
    var wireValue: (bytes: [UInt8], isBinary: Bool)? {
        switch self {
        case .null: return nil
        case .text(let value), .inet(let value), .jsonb(let value): return (Array(value.utf8), false)
        case .int32(let value): return (Array(String(value).utf8), false)
        case .int64(let value): return (Array(String(value).utf8), false)
        case .bool(let value): return (value ? [UInt8(ascii: "t")] : [UInt8(ascii: "f")], false)
        case .double(let value):
            let text: String
            if value.isNaN { text = "NaN" }
            else if value.isInfinite { text = value < 0 ? "-Infinity" : "Infinity" }
            else { text = "\(value)" }
            return (Array(text.utf8), false)
        case .timestamp(let value): return (Array(value.description.utf8), false)
        case .textArray(let values): return (Array(PostgresArrayLiteral.encode(values).utf8), false)
        case .bytea(let bytes): return (bytes, true)
        }
    }
}
