import ArgumentParser
import Foundation
import Logging
import ServerRuntime
import ServiceLifecycle
import Settings

extension HerdwatchCommand {
    /// `herdwatch serve`: the long-running service.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the service: detector, rollup, retraining, partitions and retention, alert sinks.",
            discussion: """
                One process, stopped gracefully by SIGINT or SIGTERM (each part finishes what it is \
                doing). Parts and their settings (ops/herdwatch.yaml):
                  detector      judges new events within a second of their ingest; silent hosts,
                                heartbeats and refused writes every detect.health_interval
                  rollup        observations for learning, every serve.rollup_interval
                  retraining    every learn.interval when serve.retrain is true
                  partitions    daily event partitions ahead, rows out of the default partition,
                                retention (serve.retention), every serve.maintenance_interval
                  alerts        new, escalated and reopened findings to the configured sinks
                                (alerts.jsonl_path, alerts.webhook_url) every alerts.interval
                Logs go to standard error.

                Example: herdwatch serve --config /etc/herdwatch/herdwatch.yaml
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try global.resolve()
            let logger = Logger(label: "herdwatch.serve")
            // Fail early with a clear message when the database is not reachable.
            _ = try await global.connect(settings)
            let services: [any Service]
            do { services = try await ServiceAssembly.services(settings, logger: logger) } catch { throw CLIError("\(error)") }
            var configuration = ServiceGroupConfiguration(
                services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup) },
                logger: logger)
            configuration.gracefulShutdownSignals = [.sigterm, .sigint]
            logger.info("herdwatch serve started", metadata: ["services": "\(services.count)"])
            try await ServiceGroup(configuration: configuration).run()
            logger.info("herdwatch serve stopped")
        }
    }
}
