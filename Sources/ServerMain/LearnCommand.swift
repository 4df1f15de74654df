import ArgumentParser
import Baselining
import FleetModel
import Foundation
import Logging
import ServerRuntime
import Settings
import Storage

extension HerdwatchCommand {
    /// `herdwatch learn`: roll up new events and learn per-role baselines.
    struct Learn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn per-role baselines from the observations of a training window.",
            discussion: """
                First rolls up events ingested since the last run into observations (and re-derives \
                those of hosts whose role changed), then learns each role's baseline from \
                [until − window, until), in whole UTC days. A term is admitted when at least \
                max(learn.min_hosts, learn.min_fraction × role size) of the role's hosts show it; \
                roles smaller than learn.min_hosts admit terms seen on learn.min_days days. Terms \
                held back for low prevalence are listed for review. Terms accepted in triage are kept.

                A new version is stored only when the admitted terms changed; --activate makes the \
                result the role's active baseline. Added and dropped are against the active version.

                Example: herdwatch learn --role web --window 14d --activate
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Only this role (repeatable); default every role.", valueName: "role"))
        var role: [String] = []

        @Option(name: .long, help: ArgumentHelp("Training window, e.g. 14d (default: learn.window).", valueName: "duration"))
        var window: String?

        @Option(name: .long, help: ArgumentHelp("End of the window: RFC 3339, 'now', or a duration back from now; rounded down to midnight UTC.", valueName: "time"))
        var until: String = "now"

        @Flag(name: .long, help: "Make each role's resulting version active.")
        var activate = false

        @Flag(name: .long, help: "Keep running: learn now and then every learn.interval, with --until now; a failed run is logged and retried at the next.")
        var scheduled = false

        func validate() throws {
            if scheduled && until != "now" { throw ValidationError("--scheduled always trains up to now: drop --until") }
            if let window, SettingDuration(window) == nil { throw ValidationError("--window: expected a duration such as 7d or 2w") }
            do { _ = try TimeExpression.date(from: until, now: Date()) } catch { throw ValidationError("--until: \(error.description)") }
            for r in role { do { _ = try RoleName(r) } catch { throw ValidationError(error.description) } }
        }

        func run() async throws {
            let settings = try global.resolve()
            let learner: Learner
            let canonicalization: TermCanonicalization
            do {
                learner = try TrainingSettings.learner(settings)
                canonicalization = try TrainingSettings.canonicalization(settings)
            } catch {
                throw CLIError("\(error)")
            }
            let windowSeconds = window.flatMap(SettingDuration.init)?.seconds
                ?? SettingDuration(settings.string(ServiceSettings.learnWindow.name))!.seconds
            let training = BaselineTraining(learner: learner, rollup: ObservationRollup(canonicalization: canonicalization))
            guard scheduled else {
                try await once(training, settings: settings, windowSeconds: windowSeconds)
                return
            }
            let interval = settings.duration(ServiceSettings.learnInterval.name)
            let logger = Logger(label: "herdwatch.learn")
            logger.info("scheduled learning started", metadata: ["learn.interval": "\(interval)"])
            while !Task.isCancelled {
                do {
                    try await once(training, settings: settings, windowSeconds: windowSeconds)
                } catch {
                    logger.error("scheduled learning run failed; retrying at the next run", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }

        /// One run: connect, roll up, learn, print the report.
        private func once(_ training: BaselineTraining, settings: ResolvedSettings, windowSeconds: Int64) async throws {
            let untilDate = try TimeExpression.date(from: until, now: Date())
            let (firstDay, endDay) = TrainingSettings.window(untilSeconds: untilDate.timeIntervalSince1970, windowSeconds: windowSeconds)
            let roles = role.isEmpty ? nil : role
            let activate = activate
            let connection = try await global.connect(settings)
            let (progress, outcomes) = try await connection.withSession { session in
                try training.train(roles: roles, firstDay: firstDay, endDay: endDay, activate: activate, session: session)
            }
            print(LearnReport.render(progress: progress, outcomes: outcomes, firstDay: firstDay, endDay: endDay))
            fflush(nil)  // all output streams: a scheduled run's report must not wait in a buffer
        }
    }
}
