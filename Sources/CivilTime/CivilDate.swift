/// Dates in the proleptic Gregorian calendar as whole days since 1970-01-01, the arithmetic
/// every time format in Herdwatch needs (PostgreSQL timestamps, RFC 3339 in JSON and on the
/// command line), with no Foundation calendar and no time zone: everything is UTC.
///
/// Howard Hinnant's `days_from_civil` and `civil_from_days`
/// (https://howardhinnant.github.io/date_algorithms.html), exact for every Int64 day count
/// a timestamp can hold.
public enum CivilDate {
    /// Days since 1970-01-01 for a date; `month` 1…12, `day` 1…31 (not validated here).
    @inlinable
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` after 1970-01-01 (negative: before).
    @inlinable
    public static func from(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// RFC 3339 timestamps in UTC: `2026-11-21T19:04:02.123Z`.
public enum RFC3339 {
    /// - Parameters:
    ///   - units: the time since 1970-01-01T00:00:00Z in `1 / unitsPerSecond` seconds.
    ///   - fractionDigits: 3 for milliseconds, 6 for microseconds (matching `unitsPerSecond`).
    public static func string(_ units: Int64, unitsPerSecond: Int64, fractionDigits: Int) -> String {
        let unitsPerDay = 86_400 * unitsPerSecond
        var days = units / unitsPerDay
        var rest = units % unitsPerDay
        if rest < 0 {
            days -= 1
            rest += unitsPerDay
        }
        let (year, month, day) = CivilDate.from(daysSinceEpoch: days)
        let seconds = rest / unitsPerSecond
        let fraction = rest % unitsPerSecond
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2))"
            + ":\(pad(seconds % 60, 2)).\(pad(fraction, fractionDigits))Z"
    }

    /// `2026-11-21T19:04:02.123Z`.
    public static func string(milliseconds: Int64) -> String {
        string(milliseconds, unitsPerSecond: 1000, fractionDigits: 3)
    }

    /// `2026-11-21T19:04:02.123456Z`.
    public static func string(microseconds: Int64) -> String {
        string(microseconds, unitsPerSecond: 1_000_000, fractionDigits: 6)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
