import ArgumentParser
import Foundation
import ServerRuntime

extension HerdwatchCommand {
    /// `herdwatch load`: ship recorded audit logs through the ingest path.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load recorded audit logs (auditd's format) into the events table, one host per file.",
            discussion: """
                Each FILE is decoded and shipped as the agent would ship it; the host name is the file \
                name without .log (as `herdwatch simulate` writes them) unless --host is given. \
                Re-loading a file stores nothing twice.

                Example: herdwatch simulate --out /tmp/fleet --attacks && herdwatch load /tmp/fleet/*.log
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .long, help: ArgumentHelp("Host name for every file (default: from the file name).", valueName: "name"))
        var host: String?
        @Argument(help: "Audit log files.") var files: [String]

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("give at least one file") }
        }

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings)
            for file in files {
                let name = host ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError("cannot read \(file)") }
                let (outcome, malformed) = try await connection.withSession { session in
                    defer { try? handle.close() }
                    var loader = AuditLogLoader(hostname: name)
                    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                        try loader.bytesReceived(Array(chunk), session: session)
                    }
                    return (try loader.finish(session: session), loader.malformed)
                }
                if outcome.refused { throw CLIError("\(name): refused (the host is bound to another login)") }
                print("\(name): \(outcome.stored) events stored, \(outcome.duplicates) duplicates, \(malformed) malformed records")
            }
        }
    }
}
