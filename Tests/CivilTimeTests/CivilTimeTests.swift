import CivilTime
import Testing

@Suite("Civil dates and RFC 3339")
struct CivilTimeTests {
    @Test func knownDates() {
        #expect(CivilDate.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.daysSinceEpoch(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.daysSinceEpoch(year: 2026, month: 11, day: 21) == 20_778)
        #expect(CivilDate.daysSinceEpoch(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilDate.from(daysSinceEpoch: 20_778) == (2026, 11, 21))
        #expect(CivilDate.from(daysSinceEpoch: 11_016) == (2000, 2, 29))
    }

    @Test func everyDayRoundTripsAcrossFourCenturies() {
        var previous = CivilDate.from(daysSinceEpoch: -146_097 - 1)
        var wrong: [Int64] = []
        for days in Int64(-146_097)...146_097 {
            let date = CivilDate.from(daysSinceEpoch: days)
            let roundTrips = CivilDate.daysSinceEpoch(year: date.year, month: date.month, day: date.day) == days
            // Consecutive days: the next day of the month, or the 1st after a month's last day.
            let follows = date.day == previous.day + 1 || (date.day == 1 && date.month == previous.month % 12 + 1)
            if !roundTrips || !follows { wrong.append(days) }
            previous = date
        }
        #expect(wrong.isEmpty, "first wrong day counts: \(wrong.prefix(5))")
    }

    @Test func rfc3339InMillisecondsAndMicroseconds() {
        // python3: datetime.fromtimestamp(1795460000.123, timezone.utc)
        #expect(RFC3339.string(milliseconds: 1_795_460_000_123) == "2026-11-23T18:53:20.123Z")
        #expect(RFC3339.string(microseconds: 1_795_460_000_123_456) == "2026-11-23T18:53:20.123456Z")
        #expect(RFC3339.string(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.string(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }
}
