extension Shipper.StateMachine {
    /// The delay before the next attempt: `initialBackoff · 2^(failures − 1)`, capped at
    /// `maxBackoff`, less a random fraction of at most `jitter` of it.
    ///
    /// Why jitter: after a database restart every agent of the fleet retries; without it they
    /// would all come back in the same instant. The random numbers come from SplitMix64 seeded
    /// by the configuration, so the machine stays a pure function of its inputs.
    mutating func nextBackoff() -> Duration {
        let initial = Self.nanoseconds(configuration.initialBackoff)
        let cap = Self.nanoseconds(configuration.maxBackoff)
        let exponent = min(max(failures - 1, 0), 62)
        let (scaled, overflow) = initial.multipliedReportingOverflow(by: Int64(1) << exponent)
        let delay = overflow || exponent >= 62 ? cap : min(scaled, cap)
        let unit = Double(nextRandom() >> 11) / Double(UInt64(1) << 53)
        let jitter = min(max(configuration.jitter, 0), 1)
        return .nanoseconds(delay - Int64(Double(delay) * jitter * unit))
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for spreading retries.
    mutating func nextRandom() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
