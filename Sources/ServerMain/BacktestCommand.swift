import ArgumentParser
import Baselining
import FleetModel
import Foundation
import ServerRuntime
import Settings

extension HerdwatchCommand {
    /// `herdwatch backtest`: what a baseline trained on one window would flag in the next.
    struct Backtest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train on a window and report what the baseline would flag in the days after it.",
            discussion: """
                Learns each role's baseline from [until − window, until) as `learn` would, without \
                storing it, and lists the terms of [until, until + test) it does not accept: one line \
                per term with the hosts that showed it, as findings would group them. With \
                --ground-truth (a simulation's ground-truth.json), reports which injected intrusions \
                of the baseline kinds (exec, lineage, connect, listen, login) would be flagged.

                Example: herdwatch backtest --window 4d --until 1d --test 1d --ground-truth /tmp/fleet/ground-truth.json
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("Only this role (repeatable).", valueName: "role")) var role: [String] = []
        @Option(name: .long, help: ArgumentHelp("Training window (default: learn.window).", valueName: "duration")) var window: String?
        @Option(name: .long, help: ArgumentHelp("End of training, start of the test: RFC 3339, 'now' or a duration back; rounded down to midnight UTC.", valueName: "time"))
        var until: String = "1d"
        @Option(name: .long, help: ArgumentHelp("Length of the test window.", valueName: "duration")) var test: String = "1d"
        @Option(name: .long, help: ArgumentHelp("A simulation's ground-truth.json to score against.", valueName: "file")) var groundTruth: String?

        func validate() throws {
            if let window, SettingDuration(window) == nil { throw ValidationError("--window: expected a duration such as 7d") }
            guard SettingDuration(test) != nil else { throw ValidationError("--test: expected a duration such as 1d") }
            do { _ = try TimeExpression.date(from: until, now: Date()) } catch { throw ValidationError("--until: \(error.description)") }
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
            var truth: [BacktestRun.GroundTruthEntry]?
            if let groundTruth {
                do {
                    truth = try JSONDecoder().decode([BacktestRun.GroundTruthEntry].self, from: Data(contentsOf: URL(fileURLWithPath: groundTruth)))
                } catch {
                    throw CLIError("cannot read \(groundTruth) as ground truth: \(error.localizedDescription)")
                }
            }
            let windowSeconds = window.flatMap(SettingDuration.init)?.seconds
                ?? SettingDuration(settings.string(ServiceSettings.learnWindow.name))!.seconds
            let untilDate = try TimeExpression.date(from: until, now: Date())
            let (firstDay, splitDay) = TrainingSettings.window(untilSeconds: untilDate.timeIntervalSince1970, windowSeconds: windowSeconds)
            let endDay = splitDay + max(1, Int((Double(SettingDuration(test)!.seconds) / 86_400).rounded(.up)))
            let run = BacktestRun(training: BaselineTraining(learner: learner, rollup: ObservationRollup(canonicalization: canonicalization)))
            let roles = role.isEmpty ? nil : role
            let connection = try await global.connect(settings)
            let result = try await connection.withSession { session in
                try run.run(roles: roles, firstDay: firstDay, splitDay: splitDay, endDay: endDay, session: session)
            }
            print(BacktestRun.render(result, groundTruth: truth, firstDay: firstDay, splitDay: splitDay, endDay: endDay))
        }
    }
}
