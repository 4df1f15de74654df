import Foundation
import Logging
import Settings

/// The sinks the configuration turns on (`alerts.jsonl_path`, `alerts.webhook_url` and the
/// webhook's limits), for `herdwatch alerts send` and `herdwatch serve` alike.
public enum AlertSinks {
    public struct ConfigurationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Returns: the configured sinks, JSON lines first; empty when alerts are off.
    /// - Throws: `ConfigurationError` for a webhook URL that is not http(s), without echoing it.
    public static func configured(_ settings: ResolvedSettings, logger: Logger) throws -> [any AlertSink] {
        var sinks: [any AlertSink] = []
        let path = settings.string(ServiceSettings.alertsJSONLPath.name)
        if !path.isEmpty { sinks.append(JSONLinesSink(path: path)) }
        let urlText = settings.string(ServiceSettings.alertsWebhookURL.name)
        if !urlText.isEmpty {
            guard let url = URL(string: urlText), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ConfigurationError(description: "alerts.webhook_url (\(settings.origin(ServiceSettings.alertsWebhookURL.name))): expected an http or https URL")
            }
            var configuration = WebhookSink.Configuration(url: url)
            configuration.timeout = settings.duration(ServiceSettings.alertsWebhookTimeout.name)
            configuration.maxAttempts = settings.integer(ServiceSettings.alertsWebhookMaxAttempts.name)
            configuration.ratePerMinute = settings.integer(ServiceSettings.alertsWebhookRatePerMinute.name)
            sinks.append(WebhookSink(configuration, logger: logger))
        }
        return sinks
    }
}
