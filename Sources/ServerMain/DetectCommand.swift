import ArgumentParser
import Foundation
import Logging
import ServerRuntime
import ServiceLifecycle

extension HerdwatchCommand {
    /// `herdwatch detect`: judge stored events against the active baselines.
    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Judge stored events against each role's active baseline and record findings.",
            discussion: """
                Walks the events in the order they were stored, behind a watermark, so nothing is \
                judged twice or skipped, and resumes where it stopped. An event inside the active \
                baseline's training window that was stored before the baseline was built is history \
                and not judged; events of a role with no active baseline wait until it has one. Also \
                checks silent hosts, agent heartbeats (event loss, tampering) and refused writes.

                Without --once it keeps running, woken by every ingest (LISTEN/NOTIFY), until \
                SIGINT or SIGTERM. `herdwatch serve` runs the same detector with the other services.

                Exit status: 0 done, 1 error, 64 bad usage.

                Example: herdwatch detect --once && herdwatch findings list --status open
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Judge everything pending, print counts and exit.")
        var once = false

        func run() async throws {
            let settings = try global.resolve()
            let detector: Detector
            do { detector = try DetectionSettings.detector(settings) } catch { throw CLIError("\(error)") }
            if once {
                let connection = try await global.connect(settings)
                let started = ContinuousClock.now
                let progress = try await connection.withSession { try detector.runOnce($0) }
                print(DetectReport.render(progress, elapsed: ContinuousClock.now - started))
                return
            }
            let logger = Logger(label: "herdwatch.detect")
            let service = DetectorService(
                conninfo: settings.string(ServiceSettings.databaseURL.name), detector: detector,
                healthInterval: settings.duration(ServiceSettings.detectHealthInterval.name), logger: logger)
            var configuration = ServiceGroupConfiguration(services: [service], logger: logger)
            configuration.gracefulShutdownSignals = [.sigterm, .sigint]
            try await ServiceGroup(configuration: configuration).run()
        }
    }
}
