import AgentRuntime
import ArgumentParser
import FileIntegrity
import Glibc

extension AgentCommand {
    /// `herdwatch-agent scan`: one file-integrity scan against the state directory, then exit.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan paths once and print what changed since the last scan, as JSON lines.",
            discussion: """
                The first scan of a path prints an inventory: one "inventory" line per file with its SHA-256 and metadata, and no change. Later scans print one line per change since the scan recorded in the state directory: created, modified (content), attributes, deleted, renamed. Each line is an object with host, kind, path, old_path, and old/new states {sha256, type, mode, uid, gid, size, mtime_ns, inode, target}.

                Symlinks are recorded, never followed. Files over --max-file-size are recorded by metadata only. Pseudo file systems (proc, sysfs…) are not entered.

                Example:
                  herdwatch-agent scan --host web-1 --path /etc --exclude '*.swp' --state-dir /var/lib/herdwatch
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
        @Flag(help: "Print a summary (entries, files, bytes, files/s, MB/s) to standard error.")
        var statistics = false

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give at least one --path") }
            if host.isEmpty { throw ValidationError("--host must not be empty") }
            if ByteCount.parse(maxFileSize) == nil { throw ValidationError("--max-file-size takes a byte count such as 1048576, 512K, 64M or 2G") }
        }

        func run() throws {
            try createStateDirectory()
            let configuration = FIMConfiguration(
                paths: paths, recursive: recursive,
                filter: PathFilter(include: include.map(GlobPattern.init), exclude: exclude.map(GlobPattern.init)),
                maxFileSizeBytes: ByteCount.parse(maxFileSize) ?? 0)
            let clock = ContinuousClock()
            let start = clock.now
            let report = try FileIntegrityScan.run(configuration, store: FIMStateStore(directory: stateDir))
            let elapsed = start.duration(to: clock.now)
            var output = ""
            for change in report.changes {
                output += change.jsonLine(host: host)
                output += "\n"
                if output.utf8.count > 1 << 16 {
                    print(output, terminator: "")
                    output = ""
                }
            }
            print(output, terminator: "")
            if statistics { printSummary(report.statistics, elapsed: elapsed, changes: report.changes.count) }
        }

        private func createStateDirectory() throws {
            if mkdir(stateDir, 0o700) != 0 && errno != EEXIST {
                throw FIMError(.stateUnwritable, path: stateDir, cause: Errno(errno))
            }
        }

        private func printSummary(_ statistics: ScanStatistics, elapsed: Duration, changes: Int) {
            let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-9)
            let megabytes = Double(statistics.bytesHashed) / 1e6
            let line = "scan: \(statistics.entries) entries, \(statistics.regularFiles) files, "
                + "\(Int(megabytes)) MB hashed in \(Int(seconds * 1000)) ms: "
                + "\(Int(Double(statistics.regularFiles) / seconds)) files/s, \(Int(megabytes / seconds)) MB/s; "
                + "\(changes) lines; \(statistics.oversizedFiles) over max size, \(statistics.hashFailures) unreadable, "
                + "\(statistics.unreadableDirectories) unlistable directories, \(statistics.undecodableNames) non-UTF-8 names skipped\n"
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
