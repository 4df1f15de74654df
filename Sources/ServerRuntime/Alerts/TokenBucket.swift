/// A token bucket: the webhook's rate limit. It holds up to `capacity` tokens and gains
/// `capacity` per `period`; each alert takes one, and an alert that finds it empty is dropped
/// (recorded `dropped`, counted into one summary message), not queued: a burst of alerts
/// during an incident should not keep the channel busy for an hour.
///
/// Time is passed in (seconds on any monotonic clock), so tests need no waiting.
struct TokenBucket: Sendable, Equatable {
    let capacity: Double
    let refillPerSecond: Double
    private(set) var tokens: Double
    private var updatedAt: Double?

    /// - Parameters:
    ///   - capacity: the burst size, and the tokens gained per `periodSeconds`.
    ///   - periodSeconds: 60 for a per-minute rate.
    init(capacity: Int, periodSeconds: Double) {
        self.capacity = Double(max(1, capacity))
        self.refillPerSecond = self.capacity / periodSeconds
        self.tokens = self.capacity
    }

    /// Takes a token if there is one at time `now`.
    /// - Returns: whether the alert may go.
    mutating func take(now: Double) -> Bool {
        if let updatedAt, now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * refillPerSecond)
        }
        updatedAt = max(updatedAt ?? now, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Delays between webhook attempts: exponential (base × 2^(attempt−1)), capped, with "equal
/// jitter" (half the delay fixed, half random), so replicas that failed together do not retry
/// in lockstep yet each still waits at least half the step.
public struct RetryBackoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// The delay after failed attempt number `attempt` (1-based).
    /// - Parameter random: a value in [0, 1), passed in so tests are repeatable.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let step = min(cap, base * (1 << exponent))
        return step / 2 + (step / 2) * random
    }
}
