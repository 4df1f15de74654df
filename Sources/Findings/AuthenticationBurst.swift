/// Bursts of failed authentications: N failures from one source within a sliding window.
///
/// Defaults (settings `detect.auth_failures_threshold` and `detect.auth_failures_window`): 10
/// failures within 5 minutes, across the hosts of one role. An ssh password guesser makes dozens a
/// minute; a person mistyping a password makes two or three.
public struct AuthenticationBurst: Sendable, Hashable {
    public var threshold: Int
    public var windowMicroseconds: Int64

    public static let defaultThreshold = 10
    public static let defaultWindowMicroseconds: Int64 = 5 * 60 * 1_000_000

    public init(threshold: Int = defaultThreshold, windowMicroseconds: Int64 = defaultWindowMicroseconds) {
        self.threshold = max(1, threshold)
        self.windowMicroseconds = max(1, windowMicroseconds)
    }

    /// Whether some window of the given length holds `threshold` of `times` (sorted ascending).
    public func containsBurst(_ times: [Int64]) -> Bool {
        guard times.count >= threshold else { return false }
        var start = 0
        for end in times.indices {
            while times[end] - times[start] > windowMicroseconds { start += 1 }
            if end - start + 1 >= threshold { return true }
        }
        return false
    }
}
