#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CivilTime

/// A `timestamptz` value with PostgreSQL's own precision: microseconds since 1970-01-01 UTC.
///
/// `Date` is a `Double` and cannot round-trip every microsecond of present-day times, so values
/// that must compare exactly (event times in unique keys) use this type.
public struct PostgresTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(_ date: Date) {
        self.microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch }

    /// ISO 8601 in UTC with microseconds, which PostgreSQL accepts as timestamptz input.
    public var description: String { RFC3339.string(microseconds: microsecondsSinceEpoch) }

    /// Parses PostgreSQL's ISO output for timestamptz in the UTC zone:
    /// `2026-11-21 19:04:02.123456+00` (fraction optional, offset `+HH[:MM[:SS]]`).
    init?(postgresText text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip(" ") || scanner.skip("T"),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        var micros: Int64 = 0
        if scanner.skip(".") {
            var scale: Int64 = 100_000
            while let digit = scanner.digit() {
                micros += Int64(digit) * scale
                scale /= 10
            }
        }
        var offsetSeconds: Int64 = 0
        if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(digits: 2) else { return nil }
            var offset = offsetHours * 3600
            if scanner.skip(":"), let minutes = scanner.number(digits: 2) { offset += minutes * 60 }
            if scanner.skip(":"), let seconds = scanner.number(digits: 2) { offset += seconds }
            offsetSeconds = sign * offset
        } else if !scanner.skip("Z") {
            return nil
        }
        guard scanner.atEnd else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.microsecondsSinceEpoch = seconds * 1_000_000 + micros
    }
}

/// Reads fixed-width decimal fields from ASCII bytes.
struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func digit() -> Int? {
        guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int(bytes[index] - 48)
    }

    mutating func number(digits: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<digits {
            guard let digit = digit() else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
