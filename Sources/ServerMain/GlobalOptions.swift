import ArgumentParser
import Foundation
import LibPQ
import Logging
import LoggingSetup
import ServerRuntime
import Settings
import Storage

/// Options every `herdwatch` subcommand accepts: where the configuration and the database are.
/// Precedence for each setting: flag, then environment variable, then file, then default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("YAML configuration file (see ops/herdwatch.yaml).", valueName: "file"))
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "PostgreSQL URL or libpq key=value string. Else DATABASE_URL, else libpq's defaults (PG* variables, ~/.pgpass). Keep passwords out of it: use PGPASSFILE or ~/.pgpass.",
            valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    /// Resolves the settings and bootstraps logging; call once at the start of `run()`.
    /// - Parameter flags: a subcommand's own flags for other keys, by key name.
    func resolve(flags: [String: String?] = [:]) throws -> ResolvedSettings {
        let environment = ProcessInfo.processInfo.environment
        let settings = try ResolvedSettings(
            keys: ServiceSettings.keys,
            flags: flags.merging([ServiceSettings.databaseURL.name: databaseURL, ServiceSettings.logLevel.name: logLevel]) { $1 },
            environment: environment,
            filePath: config ?? environment["HERDWATCH_CONFIG"])
        LoggingSetup.bootstrap(level: settings.string(ServiceSettings.logLevel.name))
        return settings
    }

    /// Connects to the configured database, warning when a password was given on the command line.
    /// - Parameter requireSchema: refuse, with a hint, a database not migrated to this version.
    func connect(_ settings: ResolvedSettings, requireSchema: Bool = true) async throws -> Connection {
        let url = settings.string(ServiceSettings.databaseURL.name)
        if settings.origin(ServiceSettings.databaseURL.name) == .flag && ConnectionString.containsPassword(url) {
            Logger(label: "herdwatch").warning(
                "the --database-url on the command line carries a password, which other users can read in the process list; put it in PGPASSFILE or ~/.pgpass instead")
        }
        let connection: Connection
        do {
            connection = try await Connection.connect(conninfo: url)
        } catch {
            throw CLIError("cannot connect to PostgreSQL: \(error.message)")
        }
        if requireSchema {
            let applied = try await connection.withSession { try MigrationRunner().appliedMigrations($0).count }
            let known = Migration.all.count
            if applied < known {
                throw CLIError(
                    applied == 0
                        ? "the database has no Herdwatch schema yet: run `herdwatch migrate` first"
                        : "the database schema is at migration \(applied) of \(known): run `herdwatch migrate` first")
            }
        }
        return connection
    }
}

/// A failure to report to the user in one line, exiting with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
