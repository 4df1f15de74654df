@testable import AgentRuntime
import Testing

@Suite struct ScanRateLimiterTests {
    @Test func pausesOnlyWhenAheadOfTheBudget() {
        let start = ContinuousClock.now
        var limiter = ScanRateLimiter(bytesPerSecond: 1_000_000, start: start)
        // 500 kB after 1 s: well within 1 MB/s.
        #expect(limiter.bytesRead(500_000, at: start.advanced(by: .seconds(1))) == .zero)
        // 2.5 MB in total at 1 s: 1.5 s ahead of the budget.
        #expect(limiter.bytesRead(2_000_000, at: start.advanced(by: .seconds(1))) == .milliseconds(1500))
        // After sleeping that long the budget is met again.
        #expect(limiter.bytesRead(0, at: start.advanced(by: .milliseconds(2500))) == .zero)
    }

    @Test func aBurstAtTheStartIsSpreadOut() {
        let start = ContinuousClock.now
        var limiter = ScanRateLimiter(bytesPerSecond: 50_000_000, start: start)
        #expect(limiter.bytesRead(1 << 20, at: start) == .nanoseconds(20_971_520))
    }
}
