extension Duration {
    /// The duration in seconds, fractional: for rates, SQL intervals and reports.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole milliseconds (truncated), for poll(2) timeouts.
    public var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// The duration in whole microseconds (truncated), the resolution of PostgreSQL's timestamps.
    public var inMicroseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
