import ArgumentParser
import Foundation
import Logging
import ServerRuntime

extension HerdwatchCommand {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send queued alerts to the configured sinks.",
            subcommands: [Send.self])
    }
}

extension HerdwatchCommand.Alerts {
    /// `herdwatch alerts send`: one dispatcher run, for cron, tests and the quick start.
    /// `herdwatch serve` runs the same dispatcher continuously.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver every pending alert once to each configured sink, print what happened and exit.",
            discussion: """
                Sinks come from the configuration: alerts.jsonl_path (a file, or - for standard \
                output) and alerts.webhook_url (a Slack-compatible incoming webhook), with their \
                limits (see ops/herdwatch.yaml). There is one alert per new, escalated or reopened \
                finding. Alerts whose hosts are all under a maintenance window wait for its end. \
                The summary goes to standard error when the JSON-lines sink writes to standard output.

                Example: HERDWATCH_ALERTS_WEBHOOK_URL=https://hooks.slack.com/services/… herdwatch alerts send
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("JSON-lines sink: a file to append to, or - for standard output (default: alerts.jsonl_path).", valueName: "path"))
        var jsonlPath: String?

        @Flag(help: "Run once (the default; accepted for symmetry with the service's loop).")
        var once = false

        func run() async throws {
            let settings = try global.resolve(flags: [ServiceSettings.alertsJSONLPath.name: jsonlPath])
            let logger = Logger(label: "herdwatch.alerts")
            let sinks: [any AlertSink]
            do { sinks = try AlertSinks.configured(settings, logger: logger) } catch { throw CLIError("\(error)") }
            guard !sinks.isEmpty else {
                throw CLIError("no alert sink configured: set alerts.jsonl_path or alerts.webhook_url (see ops/herdwatch.yaml)")
            }
            let connection = try await global.connect(settings)
            let reports = try await AlertDispatcher(sinks: sinks, connection: connection, logger: logger).runOnce()
            let toStandardOutput = sinks.contains { ($0 as? JSONLinesSink)?.path == "-" }
            for report in reports {
                if toStandardOutput {
                    FileHandle.standardError.write(Data((report.summary + "\n").utf8))
                } else {
                    print(report.summary)
                }
            }
            if reports.contains(where: { $0.failed > 0 }) { throw ExitCode(1) }
        }
    }
}
