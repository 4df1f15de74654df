import FleetModel
import Foundation
import Testing

@Suite struct TimeExpressionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func nowIsNow() throws {
        #expect(try TimeExpression.date(from: "now", now: now) == now)
    }

    @Test(arguments: [("90s", 90.0), ("90m", 5_400), ("36h", 129_600), ("7d", 604_800), ("2w", 1_209_600), ("0s", 0)])
    func durationsCountBackFromNow(text: String, seconds: Double) throws {
        #expect(try TimeExpression.date(from: text, now: now) == now.addingTimeInterval(-seconds))
    }

    @Test func rfc3339InUTC() throws {
        let date = try TimeExpression.date(from: "2026-01-31T12:00:00Z", now: now)
        #expect(date.timeIntervalSince1970 == 1_769_860_800)
    }

    @Test func rfc3339WithOffsetAndFraction() throws {
        let date = try TimeExpression.date(from: "2026-01-31T13:30:00.250+01:30", now: now)
        #expect(date.timeIntervalSince1970 == 1_769_860_800.25)
        let west = try TimeExpression.date(from: "2026-01-31t07:00:00-05:00", now: now)
        #expect(west.timeIntervalSince1970 == 1_769_860_800)
    }

    @Test func leapDays() throws {
        #expect(try TimeExpression.date(from: "2024-02-29T00:00:00Z", now: now).timeIntervalSince1970 == 1_709_164_800)
        #expect(throws: FleetModelError.self) { try TimeExpression.date(from: "2025-02-29T00:00:00Z", now: now) }
        #expect(try TimeExpression.date(from: "1970-01-01T00:00:00Z", now: now).timeIntervalSince1970 == 0)
    }

    @Test(arguments: [
        "", "7", "d", "7x", "-7d", "7 d", "1.5h", "NOW", "yesterday", "12345678901d",
        "2026-13-01T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00",
        "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk", "2026-1-01T00:00:00Z",
    ])
    func rejectsMalformedText(text: String) {
        #expect(throws: FleetModelError.invalidTimeExpression(text)) { try TimeExpression.date(from: text, now: now) }
    }

    @Test func errorNamesTheAcceptedForms() {
        let message = FleetModelError.invalidTimeExpression("soon").description
        #expect(message.contains("\"soon\"") && message.contains("RFC 3339") && message.contains("now"))
    }
}

@Suite struct UntilTimeTests {
    @Test func aDurationCountsForwardAndATimestampIsAbsolute() throws {
        let now = Date(timeIntervalSince1970: 1_795_219_200)
        #expect(try TimeExpression.until("8h", now: now) == now.addingTimeInterval(8 * 3600))
        #expect(try TimeExpression.until("2026-11-22T00:00:00Z", now: now) == Date(timeIntervalSince1970: 1_795_305_600))
        #expect(throws: FleetModelError.self) { try TimeExpression.until("tomorrow", now: now) }
    }
}
