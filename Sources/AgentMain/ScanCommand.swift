import AgentRuntime
import ArgumentParser
import FileIntegrity
import Glibc
import LibPQ
import Storage
import FleetModel

extension AgentCommand {
    /// `herdwatch-agent scan`: one file-integrity scan against the state directory, then exit.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Scan paths once and print (or store in PostgreSQL) what changed since the last scan.",
            discussion: """
                The first scan of a path prints an inventory: one "inventory" line per file with its SHA-256 and metadata, and no change. Later scans print one line per change since the scan recorded in the state directory: created, modified (content), attributes, deleted, renamed. Each line is an object with host, kind, path, old_path, and old/new states {sha256, type, mode, uid, gid, size, mtime_ns, inode, target}.

                With --database-url, or --config naming a file with database.url, the lines are not printed but stored in PostgreSQL as events of kind "fim" (one per line, the path in the path column, the change in detail.fim), and one summary line is printed: "changes N, stored N, duplicates N". The scan's state is saved only once the events are stored, so a failed shipment is reported again by the next scan. Writing as a host other than this machine's name needs a login granted herdwatch_replay.

                Symlinks are recorded, never followed. Files over --max-file-size are recorded by metadata only. Pseudo file systems (proc, sysfs…) are not entered.

                Example:
                  herdwatch-agent scan --host web-1 --path /etc --exclude '*.swp' --state-dir /var/lib/herdwatch
                  herdwatch-agent scan --host web-1 --path /etc --database-url postgresql://agent_web_1@db/herdwatch

                Exit status: 0 done; 1 failure; 64 usage error; 65 the database refused the host.
                """
        )

        @Option(help: "The name this host reports as.") var host: String
        @Option(name: .customLong("path"), help: "A directory (or file) to scan; repeat for more.")
        var paths: [String] = []
        @Option(help: "Where the state of the last scan is kept (fim.state); created if missing.")
        var stateDir: String = "/var/lib/herdwatch"
        @Flag(inversion: .prefixedNo, help: "Descend into subdirectories.") var recursive = true
        @Option(help: "Record only files whose name (or, with '/', whole path) matches; repeat for more.")
        var include: [String] = []
        @Option(help: "Skip files and directories that match (and all below them); repeat for more.")
        var exclude: [String] = []
        @Option(help: "Hash regular files up to this many bytes (suffixes K, M, G); larger ones are recorded by metadata only.")
        var maxFileSize: String = "1G"
        @Flag(help: "Print a summary (entries, files, bytes, files/s, MB/s, peak resident memory) to standard error.")
        var statistics = false
        @Option(help: ArgumentHelp("Store the changes in this PostgreSQL database (URL or key=value string, without password) instead of printing them.", valueName: "url"))
        var databaseURL: String?
        @Option(help: ArgumentHelp("The agent's YAML configuration: store the changes in its database.url.", valueName: "file"))
        var config: String?

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give at least one --path") }
            if host.isEmpty { throw ValidationError("--host must not be empty") }
            if ByteCount.parse(maxFileSize) == nil { throw ValidationError("--max-file-size takes a byte count such as 1048576, 512K, 64M or 2G") }
        }

        func run() throws {
            HeapTuning.limitForLongRunningAgent()
            try createStateDirectory()
            let configuration = FIMConfiguration(
                paths: paths, recursive: recursive,
                filter: PathFilter(include: include.map(GlobPattern.init), exclude: exclude.map(GlobPattern.init)),
                maxFileSizeBytes: ByteCount.parse(maxFileSize) ?? 0)
            let clock = ContinuousClock()
            let start = clock.now
            let store = FIMStateStore(directory: stateDir)
            let report: FileIntegrityScan.Report
            if let conninfo = try databaseConninfo() {
                let session = try Session(conninfo: conninfo, applicationName: "herdwatch-agent")
                let shipment = FileChangeShipment(hostname: host, machineID: HostIdentity.current().machineID)
                var outcome = EventIngest.Outcome(stored: 0, duplicates: 0)
                report = try FileIntegrityScan.run(configuration, store: store) { changes in
                    outcome = try shipment.ship(changes, scanTimeMicroseconds: Self.nowMicroseconds(), session: session)
                    // A refused host keeps the old state: the next scan reports the same changes.
                    if outcome.refused {
                        printError("herdwatch-agent scan: the database refused host \(host): it is bound to another agent login (use a login granted herdwatch_replay)")
                        throw ExitCode(65)
                    }
                }
                print("changes \(report.changes.count), stored \(outcome.stored), duplicates \(outcome.duplicates)")
            } else {
                report = try FileIntegrityScan.run(configuration, store: store)
                printLines(report.changes)
            }
            let elapsed = start.duration(to: clock.now)
            if statistics { printSummary(report.statistics, elapsed: elapsed, changes: report.changes.count) }
        }

        /// The database to store changes in: --database-url, else database.url of --config; nil to print.
        private func databaseConninfo() throws -> String? {
            if let databaseURL { return databaseURL }
            guard let config else { return nil }
            return try AgentConfiguration.load(filePath: config, environment: Agent.environment()).databaseURL
        }

        private func printLines(_ changes: [FileChange]) {
            var output = ""
            for change in changes {
                output += change.jsonLine(host: host)
                output += "\n"
                if output.utf8.count > 1 << 16 {
                    print(output, terminator: "")
                    output = ""
                }
            }
            print(output, terminator: "")
        }

        static func nowMicroseconds() -> Int64 {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        }

        private func createStateDirectory() throws {
            if mkdir(stateDir, 0o700) != 0 && errno != EEXIST {
                throw FIMError(.stateUnwritable, path: stateDir, cause: Errno(errno))
            }
        }

        /// This process's peak resident set (VmHWM, proc(5)).
        static func peakResidentKiB() -> Int? {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }

        private func printSummary(_ statistics: ScanStatistics, elapsed: Duration, changes: Int) {
            let seconds = max(elapsed.inSeconds, 1e-9)
            let megabytes = Double(statistics.bytesHashed) / 1e6
            let line = "scan: \(statistics.entries) entries, \(statistics.regularFiles) files, "
                + "\(Int(megabytes)) MB hashed in \(Int(seconds * 1000)) ms: "
                + "\(Int(Double(statistics.regularFiles) / seconds)) files/s, \(Int(megabytes / seconds)) MB/s; "
                + "\(changes) lines; \(statistics.oversizedFiles) over max size, \(statistics.hashFailures) unreadable, "
                + "\(statistics.unreadableDirectories) unlistable directories, \(statistics.undecodableNames) non-UTF-8 names skipped; "
                + "peak resident \(Self.peakResidentKiB().map { "\($0) KiB" } ?? "unknown")\n"
            _ = line.withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
        }
    }
}

/// Byte counts as the CLI takes them: digits with an optional K, M or G (powers of 1024).
enum ByteCount {
    static func parse(_ text: String) -> UInt64? {
        let multipliers: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        guard let last = text.uppercased().last else { return nil }
        if let multiplier = multipliers[last] {
            return UInt64(text.dropLast()).flatMap { $0.multipliedReportingOverflow(by: multiplier).overflow ? nil : $0 * multiplier }
        }
        return UInt64(text)
    }
}
