import FleetModel

/// Holds a rescan to a byte budget, so a periodic full rescan of a large tree does not take
/// the host's disk bandwidth from its workload.
///
/// Pure arithmetic over instants the caller passes in (from any `Clock`), so tests drive it
/// with made-up times. The budget starts when the limiter is made: make one per rescan, or an
/// idle hour would be saved up as a burst.
///
/// Usage:
/// ```swift
/// var limiter = ScanRateLimiter(bytesPerSecond: 50_000_000, start: clock.now)
/// let wait = limiter.bytesRead(count, at: clock.now)   // sleep `wait` before reading on
/// ```
struct ScanRateLimiter<Instant: InstantProtocol> where Instant.Duration == Duration {
    let bytesPerSecond: Double
    private let start: Instant
    private var bytesSoFar: Double = 0

    init(bytesPerSecond: Double, start: Instant) {
        precondition(bytesPerSecond > 0, "a rate limit must be positive")
        self.bytesPerSecond = bytesPerSecond
        self.start = start
    }

    /// Records `count` more bytes read at `now`.
    /// - Returns: how long to pause so that the bytes read so far fit the budget; `.zero` when within it.
    mutating func bytesRead(_ count: Int, at now: Instant) -> Duration {
        bytesSoFar += Double(count)
        let earliest = bytesSoFar / bytesPerSecond
        let elapsed = start.duration(to: now)
        let elapsedSeconds = elapsed.inSeconds
        guard earliest > elapsedSeconds else { return .zero }
        return .nanoseconds(Int64(((earliest - elapsedSeconds) * 1e9).rounded(.up)))
    }
}
