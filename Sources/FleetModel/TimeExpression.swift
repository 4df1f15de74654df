import CivilTime
import Foundation

/// A point in time as every `herdwatch` command accepts it: an RFC 3339 timestamp, `now`, or a
/// duration `N{s,m,h,d,w}` counted back from now.
///
/// The parser does its own RFC 3339 arithmetic (proleptic Gregorian calendar, UTC offsets) rather
/// than using a date formatter, so results do not depend on the locale or time zone of the machine.
///
/// ```swift
/// let end = try TimeExpression.date(from: "36h", now: Date())   // 36 hours ago
/// let fixed = try TimeExpression.date(from: "2026-01-31T12:00:00.250+01:00", now: Date())
/// ```
public enum TimeExpression {
    /// Resolves `text` against `now`.
    /// - Parameters:
    ///   - text: `now`, a duration such as `90m`, `36h`, `7d`, `2w`, or an RFC 3339 timestamp
    ///     (`2026-01-31T12:00:00Z`, fractional seconds and `±HH:MM` offsets allowed).
    ///   - now: the current time; passed in so that callers and tests control the clock.
    /// - Returns: the instant the expression names.
    /// - Throws: `FleetModelError.invalidTimeExpression` when `text` is none of those forms.
    public static func date(from text: String, now: Date) throws(FleetModelError) -> Date {
        if text == "now" { return now }
        if let seconds = durationSeconds(text) {
            return now.addingTimeInterval(-Double(seconds))
        }
        if let seconds = rfc3339Seconds(text) {
            return Date(timeIntervalSince1970: seconds)
        }
        throw .invalidTimeExpression(text)
    }

    /// An end time ahead (`--until` of a snooze or maintenance window): a duration counts
    /// forward from `now` (`8h` is eight hours from now); `now` and RFC 3339 read as in
    /// ``date(from:now:)``.
    public static func until(_ text: String, now: Date) throws(FleetModelError) -> Date {
        if let seconds = durationSeconds(text) { return now.addingTimeInterval(Double(seconds)) }
        return try date(from: text, now: now)
    }

    /// The length of a duration `N{s,m,h,d,w}` in seconds, or `nil` when `text` is not one.
    /// `N` is 1 to 9 decimal digits; `0s` is allowed and means "now".
    public static func durationSeconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 10, let unit = bytes.last else { return nil }
        let multiplier: Int64
        switch unit {
        case UInt8(ascii: "s"): multiplier = 1
        case UInt8(ascii: "m"): multiplier = 60
        case UInt8(ascii: "h"): multiplier = 3_600
        case UInt8(ascii: "d"): multiplier = 86_400
        case UInt8(ascii: "w"): multiplier = 604_800
        default: return nil
        }
        var value: Int64 = 0
        for byte in bytes.dropLast() {
            guard let digit = decimalDigit(byte) else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value * multiplier
    }

    /// Seconds since the Unix epoch for an RFC 3339 `date-time`, or `nil` when malformed.
    /// Accepts `T`, `t` or a space between date and time, `Z`/`z` or `±HH:MM`, and a leap second
    /// `:60` (folded into the next second, as POSIX time does).
    static func rfc3339Seconds(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard let d = decimalDigit(b[i]) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        guard let year = number(0, 4), b[4] == UInt8(ascii: "-"), let month = number(5, 2),
            b[7] == UInt8(ascii: "-"), let day = number(8, 2),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
            let hour = number(11, 2), b[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            b[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, let d = decimalDigit(b[index]) {
                fraction += Double(d) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offsetSeconds = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                let om = number(index + 4, 2), oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = sign * (oh * 3_600 + om * 60)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        let days = CivilDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3_600 + minute * 60 + second) - Int64(offsetSeconds)
        return Double(seconds) + fraction
    }

    private static func decimalDigit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
