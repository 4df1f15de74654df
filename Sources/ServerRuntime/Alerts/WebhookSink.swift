import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Storage
import Synchronization
import FleetModel

/// Posts each alert to a chat webhook as a ``SlackMessage``, with a timeout, retries with
/// backoff and a rate limit.
///
/// - An answer of 2xx delivers. 429, 5xx, a timeout or a connection failure is retried after
///   ``RetryBackoff`` until `maxAttempts`, then recorded `failed` and logged. Any other status
///   (a 404 for a deleted webhook) fails at once: retrying cannot help.
/// - The rate limit is a ``TokenBucket`` of `ratePerMinute`: an alert that finds it empty is
///   recorded `dropped`, and after the run one message says how many were dropped. The bucket
///   lives as long as the sink, so `herdwatch serve` keeps it across runs; each one-shot
///   `herdwatch alerts send` starts with a full bucket.
/// - The URL is a secret (whoever holds it can post): it is never logged nor stored in
///   `alert_deliveries.error`.
///
/// Plain HTTP/1.1 through Foundation's `URLSession` (libcurl on Linux): one POST per alert
/// needs no event loop of its own.
public final class WebhookSink: AlertSink {
    public struct Configuration: Sendable {
        public var url: URL
        public var timeout: Duration = .seconds(10)
        public var maxAttempts = 5
        public var ratePerMinute = 30
        public var backoff = RetryBackoff(base: .seconds(1), cap: .seconds(60))

        public init(url: URL) {
            self.url = url
        }
    }

    public let name = "webhook"
    let configuration: Configuration
    private let logger: Logger
    private let session: URLSession
    private let clockStart = ContinuousClock.now

    private struct State {
        var bucket: TokenBucket
        var droppedSinceSummary = 0
    }
    private let state: Mutex<State>

    public init(_ configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.timeout.inSeconds
        self.session = URLSession(configuration: sessionConfiguration)
        self.state = Mutex(State(bucket: TokenBucket(capacity: configuration.ratePerMinute, periodSeconds: 60)))
    }

    public func deliver(_ alert: PendingAlert) async -> AlertDelivery {
        let now = (ContinuousClock.now - clockStart).inSeconds
        let allowed = state.withLock { state in
            if state.bucket.take(now: now) { return true }
            state.droppedSinceSummary += 1
            return false
        }
        guard allowed else {
            return AlertDelivery(outcome: .dropped, attempts: 0, error: "rate limit (\(configuration.ratePerMinute)/min)")
        }
        let delivery = await post(SlackMessage(alert).json())
        if delivery.outcome == .failed {
            logger.error(
                "webhook gave up on an alert",
                metadata: ["alert.id": "\(alert.outboxID)", "alert.attempts": "\(delivery.attempts)", "error": "\(delivery.error ?? "")"])
        }
        return delivery
    }

    public func runFinished() async {
        let dropped = state.withLock { state in
            defer { state.droppedSinceSummary = 0 }
            return state.droppedSinceSummary
        }
        guard dropped > 0 else { return }
        logger.warning("alerts dropped by the webhook rate limit", metadata: ["alert.dropped": "\(dropped)"])
        let summary = await post(SlackMessage(droppedByRateLimit: dropped).json())
        if summary.outcome != .delivered {
            logger.error("webhook refused the rate-limit summary", metadata: ["error": "\(summary.error ?? "")"])
        }
    }

    /// POSTs `body`, retrying as the type's documentation says.
    func post(_ body: Data) async -> AlertDelivery {
        var attempt = 0
        var lastError = ""
        while attempt < configuration.maxAttempts {
            attempt += 1
            switch await postOnce(body) {
            case .delivered:
                return AlertDelivery(outcome: .delivered, attempts: attempt)
            case .permanent(let reason):
                return AlertDelivery(outcome: .failed, attempts: attempt, error: reason)
            case .retryable(let reason):
                lastError = reason
            }
            guard attempt < configuration.maxAttempts else { break }
            let delay = configuration.backoff.delay(afterAttempt: attempt, random: Double.random(in: 0..<1))
            logger.debug("webhook attempt failed; retrying", metadata: ["alert.attempt": "\(attempt)", "error": "\(lastError)"])
            do { try await Task.sleep(for: delay) } catch { break }  // cancelled: shutting down
        }
        return AlertDelivery(outcome: .failed, attempts: attempt, error: lastError)
    }

    private enum AttemptResult {
        case delivered
        case retryable(String)
        case permanent(String)
    }

    private func postOnce(_ body: Data) async -> AttemptResult {
        var request = URLRequest(url: configuration.url, timeoutInterval: configuration.timeout.inSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        do {
            let (_, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .retryable("not an HTTP response") }
            switch http.statusCode {
            case 200..<300: return .delivered
            case 429, 500..<600: return .retryable("HTTP \(http.statusCode)")
            default: return .permanent("HTTP \(http.statusCode)")
            }
        } catch let error as URLError {
            // The code only: the error's description may carry the URL.
            return .retryable("URLError \(error.code.rawValue)")
        } catch {
            return .retryable("\(type(of: error))")
        }
    }
}
