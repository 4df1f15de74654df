import Baselining
import Foundation
import LibPQ
import Logging
import ServiceLifecycle
import Settings

/// The parts of `herdwatch serve`, built from the settings.
public enum ServiceAssembly {
    public static func services(_ settings: ResolvedSettings, logger: Logger) async throws -> [any Service] {
        let conninfo = settings.string(ServiceSettings.databaseURL.name)
        let detector = try DetectionSettings.detector(settings)
        let canonicalization = try TrainingSettings.canonicalization(settings)
        var services: [any Service] = [
            DetectorService(
                conninfo: conninfo, detector: detector,
                healthInterval: settings.duration(ServiceSettings.detectHealthInterval.name), logger: logger),
            PeriodicTask(
                name: "rollup", conninfo: conninfo, interval: settings.duration(ServiceSettings.serveRollupInterval.name), logger: logger
            ) { session, logger in
                let progress = try ObservationRollup(canonicalization: canonicalization).run(session)
                if progress.chunks > 0 || progress.rederivedHosts > 0 {
                    logger.info("rolled up events", metadata: ["through_seq": "\(progress.throughSeq)", "observations": "\(progress.observations)"])
                }
            },
        ]
        let retention = settings.duration(ServiceSettings.serveRetention.name).components.seconds / 86_400
        let partitions = EventPartitions(
            daysAhead: settings.integer(ServiceSettings.servePartitionDaysAhead.name), retentionDays: Int(max(1, retention)))
        services.append(PeriodicTask(
            name: "partitions", conninfo: conninfo, interval: settings.duration(ServiceSettings.serveMaintenanceInterval.name), logger: logger
        ) { session, logger in
            let outcome = try partitions.maintain(session)
            if !outcome.created.isEmpty || !outcome.dropped.isEmpty || !outcome.keptUnread.isEmpty {
                logger.info(
                    "event partitions maintained",
                    metadata: ["created": "\(outcome.created.count)", "dropped": "\(outcome.dropped)", "kept_unread": "\(outcome.keptUnread)"])
            }
        })
        if settings.boolean(ServiceSettings.serveRetrain.name) {
            let training = BaselineTraining(learner: try TrainingSettings.learner(settings), rollup: ObservationRollup(canonicalization: canonicalization))
            let windowSeconds = settings.duration(ServiceSettings.learnWindow.name).components.seconds
            services.append(PeriodicTask(
                name: "retrain", conninfo: conninfo, interval: settings.duration(ServiceSettings.learnInterval.name), runAtStart: false,
                logger: logger
            ) { session, logger in
                let (firstDay, endDay) = TrainingSettings.window(untilSeconds: Date().timeIntervalSince1970, windowSeconds: windowSeconds)
                let (_, outcomes) = try training.train(roles: nil, firstDay: firstDay, endDay: endDay, activate: true, session: session)
                logger.info("baselines retrained", metadata: ["roles": "\(outcomes.count)"])
            })
        }
        let sinks = try AlertSinks.configured(settings, logger: logger)
        if sinks.isEmpty {
            logger.notice("no alert sink configured (alerts.jsonl_path, alerts.webhook_url): findings are recorded, alerts wait in the outbox")
        } else {
            let connection = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-alerts")
            services.append(AlertDispatcher(
                sinks: sinks, connection: connection, logger: logger, interval: settings.duration(ServiceSettings.alertsInterval.name)))
        }
        return services
    }
}
