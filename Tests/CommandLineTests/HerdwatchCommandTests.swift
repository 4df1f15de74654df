import Foundation
import PostgresFixture
import ServerRuntime
import Settings
import Testing

@Suite("The herdwatch command, end to end")
struct HerdwatchCommandTests {
    @Test func bothExecutablesAnswerVersionAndHelp() async throws {
        for run in [try await Executables.herdwatch("--version"), try await Executables.agent("--version")] {
            #expect(run.exitCode == 0)
            #expect(run.standardOutput.trimmingCharacters(in: .newlines).split(separator: ".").count == 3)
        }
        let help = try await Executables.herdwatch("--help")
        #expect(help.exitCode == 0)
        for subcommand in ["migrate", "status", "roles", "hosts", "simulate", "load", "learn", "baseline", "backtest"] {
            #expect(help.standardOutput.contains("  \(subcommand) "), "\(subcommand) missing from --help")
        }
        let agentHelp = try await Executables.agent("--help")
        #expect(agentHelp.exitCode == 0)
        #expect(agentHelp.standardOutput.contains("USAGE: herdwatch-agent"))
        let rolesHelp = try await Executables.herdwatch("roles", "assign", "--help")
        #expect(rolesHelp.standardOutput.contains("--database-url"))
        #expect(rolesHelp.standardOutput.contains("--config"))
    }

    @Test func migrateRolesAndHostsAgainstARealDatabase() async throws {
        try await TestPostgres.withDatabase { database in
            let url = database.conninfo
            let first = try await Executables.herdwatch("migrate", "--database-url", url)
            #expect(first.exitCode == 0, "\(first.standardError)")
            #expect(first.standardOutput.contains("applying 0001_foundation.sql"))
            let second = try await Executables.herdwatch("migrate", environment: ["DATABASE_URL": url])
            #expect(second.standardOutput.contains("database is up to date"))

            #expect(try await Executables.herdwatch("roles", "assign", "web", "web-*", "--database-url", url).exitCode == 0)
            #expect(try await Executables.herdwatch("roles", "assign", "db", "*-db-*", "db-*", "--database-url", url).exitCode == 0)
            let added = try await Executables.herdwatch("hosts", "add", "web-01", "web-db-02", "db-01", "cache-01", "--database-url", url)
            #expect(added.standardOutput.contains("registered 4 new host(s)"))

            let hosts = try await Executables.herdwatch("hosts", "list", "--database-url", url).standardOutput
            let rows = hosts.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(rows.first?.first == "HOST")
            #expect(rows.dropFirst().map { $0.prefix(2).joined(separator: " ") } == [
                "cache-01 -", "db-01 db", "web-01 web", "web-db-02 conflict:",
            ])
            #expect(hosts.contains("conflict: db, web"))

            let roles = try await Executables.herdwatch("roles", "list", "--database-url", url).standardOutput
            #expect(roles.contains("db    1      1          *-db-* db-*"))

            let status = try await Executables.herdwatch("status", "--database-url", url).standardOutput
            #expect(status.contains("hosts:     4 (2 without a role, 1 in conflict)"))
        }
    }

    @Test func badInputIsAClearErrorWithUsageExitCode() async throws {
        let badRole = try await Executables.herdwatch("roles", "assign", "Web", "web-*", "--database-url", "host=/nonexistent")
        #expect(badRole.exitCode == 64)
        #expect(badRole.standardError.contains("invalid role name \"Web\""))
        let badPattern = try await Executables.herdwatch("roles", "assign", "web", "web;rm", "--database-url", "host=/nonexistent")
        #expect(badPattern.exitCode == 64)
        #expect(badPattern.standardError.contains("invalid host pattern"))
        let refused = try await Executables.herdwatch("status", "--database-url", "host=/nonexistent-herdwatch-socket-dir")
        #expect(refused.exitCode == 1)
        #expect(refused.standardError.contains("cannot connect to PostgreSQL"))
    }

    @Test func aConfigFileWithAWrongKeyNamesTheKeyAndTheFile() async throws {
        let path = "/tmp/herdwatch-cli-\(getpid()).yaml"
        try "log:\n  levle: debug\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let run = try await Executables.herdwatch("status", "--config", path)
        #expect(run.exitCode != 0)
        #expect(run.standardError.contains("\(path): log.levle: unknown key (did you mean log.level?)"))
    }

    @Test func aPasswordOnTheCommandLineIsWarnedAbout() async throws {
        let run = try await Executables.herdwatch("status", "--database-url", "host=/nonexistent-herdwatch-socket-dir password=hunter2")
        #expect(run.standardError.contains("carries a password"))
        #expect(!run.standardError.contains("hunter2"))
    }

    @Test func theExampleConfigDocumentsEveryKeyWithItsDefault() throws {
        let path = Executables.repositoryRoot.appendingPathComponent("ops/herdwatch.yaml").path
        let values = try SettingsFile.load(path: path, keys: ServiceSettings.keys)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in ServiceSettings.keys {
            let leaf = String(key.name.split(separator: ".").last!)
            #expect(text.contains("\(leaf):"), "ops/herdwatch.yaml does not document \(key.name)")
            #expect((values[key.name] ?? "") == key.defaultValue, "ops/herdwatch.yaml shows a non-default \(key.name)")
        }
    }
}
