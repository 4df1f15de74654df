import Storage

/// A place alerts go: a JSON-lines file for SIEMs or a chat webhook.
///
/// ``AlertDispatcher`` hands a sink the outbox rows it has not recorded yet, one at a time in
/// outbox order, and records the returned ``AlertDelivery`` under the sink's ``name``.
public protocol AlertSink: Sendable {
    /// The sink's name in `alert_deliveries.sink`; it keys the sink's progress, so keep it stable.
    var name: String { get }

    /// Delivers one alert, retrying as the sink sees fit.
    func deliver(_ alert: PendingAlert) async -> AlertDelivery

    /// Called once after each dispatch run that handed the sink alerts; the webhook sends its
    /// "N alerts dropped" summary here.
    func runFinished() async
}

extension AlertSink {
    public func runFinished() async {}
}

/// What a sink did with one alert.
public struct AlertDelivery: Sendable, Equatable {
    public var outcome: AlertOutboxStore.Outcome
    public var attempts: Int
    /// Why it was dropped or failed; never the payload or the webhook URL.
    public var error: String?

    public init(outcome: AlertOutboxStore.Outcome, attempts: Int, error: String? = nil) {
        self.outcome = outcome
        self.attempts = attempts
        self.error = error
    }
}
