/// A Swift type that can be read from a result cell in PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    /// - Parameters:
    ///   - text: the cell's text, `nil` for SQL NULL.
    ///   - typeOID: the column's type, for types whose text form depends on it.
    /// - Throws: `PostgresError` with code `.decoding` when the text is not a `Self`,
    ///   including NULL for non-optional types.
    static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Self
}

extension PostgresDecodable {
    static func nonNull(_ text: String?) throws(PostgresError) -> String {
        guard let text else { throw PostgresError(.decoding, message: "unexpected NULL for \(Self.self)") }
        return text
    }

    static func invalid(_ text: String) -> PostgresError {
        // The value itself may be host data: say how long it was, not what it held.
        PostgresError(.decoding, message: "a \(text.utf8.count)-byte value is not a valid \(Self.self)")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Wrapped? {
        guard let text else { return nil }
        return try Wrapped.decode(text, typeOID: typeOID)
    }
}

extension String: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> String {
        try nonNull(text)
    }
}

extension Int64: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Int64 {
        let text = try nonNull(text)
        guard let value = Int64(text) else { throw invalid(text) }
        return value
    }
}

extension Int: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Int {
        Int(try Int64.decode(text, typeOID: typeOID))
    }
}

extension Int32: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Int32 {
        let text = try nonNull(text)
        guard let value = Int32(text) else { throw invalid(text) }
        return value
    }
}

extension Bool: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Bool {
        switch try nonNull(text) {
        case "t", "true": return true
        case "f", "false": return false
        case let other: throw invalid(other)
        }
    }
}

extension Double: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> Double {
        let text = try nonNull(text)
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else { throw invalid(text) }
            return value
        }
    }
}

extension PostgresTimestamp: PostgresDecodable {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> PostgresTimestamp {
        let text = try nonNull(text)
        guard let value = PostgresTimestamp(postgresText: text) else { throw invalid(text) }
        return value
    }
}

extension Array: PostgresDecodable where Element == String? {
    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> [String?] {
        let text = try nonNull(text)
        guard let elements = PostgresArrayLiteral.decode(text) else { throw invalid(text) }
        return elements
    }
}

/// A `bytea` value (hex output format, PostgreSQL ≥ 9.0).
public struct ByteaValue: PostgresDecodable, Hashable {
    public let bytes: [UInt8]

    public static func decode(_ text: String?, typeOID: UInt32) throws(PostgresError) -> ByteaValue {
        let text = try nonNull(text)
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, digits.starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "x")]) else {
            throw invalid(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2 - 1)
        var index = 2
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { throw invalid(text) }
            bytes.append(high << 4 | low)
            index += 2
        }
        return ByteaValue(bytes: bytes)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
