import Foundation
import Glibc
import LibPQ
import PostgresFixture
import Testing

/// File integrity through the built agent into a real PostgreSQL: `run` with a `fim` section
/// ships through the shipper like audit events; `scan --database-url` ships once and exits.
@Suite struct AgentFileIntegrityTests {
    @Test func runShipsTheInventoryThenAChange() async throws {
        try await MigratedDatabase.with { database in
            let login = try await TestLogin.createNamed("fim", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let watched = directory.path + "/watched"
            try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: false)
            try "one".write(toFile: watched + "/a", atomically: false, encoding: .utf8)
            try "two".write(toFile: watched + "/b", atomically: false, encoding: .utf8)
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.appendText("")
            let config = try writeAgentConfig(
                in: directory.path, logPath: log.path, conninfo: login.conninfo,
                extra: "fim:\n  paths: \"\(watched)\"\n  rescan_interval: 0s")
            let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")
            defer { agent.signal(SIGTERM) }

            // The first scan's inventory: the root and both files.
            #expect(try await eventually {
                try await database.scalar("SELECT count(*) FROM herdwatch.events WHERE kind = 'fim' AND detail->'fim'->>'change' = 'inventory'") == 3
            }, "\(agent.output)")

            // A change reaches the database within seconds, with its new hash.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: watched + "/a"))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data("one, edited".utf8))
            try handle.close()
            #expect(try await eventually {
                try await database.scalar(
                    """
                    SELECT count(*) FROM herdwatch.events WHERE kind = 'fim' AND path = '\(watched)/a'
                      AND detail->'fim'->>'change' = 'modified' AND serial >= 1099511627776
                    """) == 1
            }, "\(agent.output)")
        }
    }

    @Test func scanWithADatabaseStoresTheChangesAndSavesItsStateAfterwards() async throws {
        try await MigratedDatabase.with { database in
            let directory = try TemporaryDirectory()
            let watched = directory.path + "/watched"
            try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: false)
            try "one".write(toFile: watched + "/a", atomically: false, encoding: .utf8)
            let arguments = ["scan", "--host", "web-7", "--path", watched, "--state-dir", directory.path + "/state", "--database-url", database.conninfo]

            let first = try ProgramRun.run(AgentProcess.executable, arguments)
            #expect(first.exitCode == 0, "\(first.standardError)")
            #expect(first.standardOutput == "changes 2, stored 2, duplicates 0\n")

            // A database that cannot be reached: the change is kept for the next scan.
            try "two".write(toFile: watched + "/a", atomically: false, encoding: .utf8)
            var unreachable = arguments
            unreachable[unreachable.count - 1] = "host=/nonexistent dbname=none"
            #expect(try ProgramRun.run(AgentProcess.executable, unreachable).exitCode != 0)
            let second = try ProgramRun.run(AgentProcess.executable, arguments)
            #expect(second.standardOutput == "changes 1, stored 1, duplicates 0\n", "\(second.standardError)")
            #expect(try await database.scalar(
                "SELECT count(*) FROM herdwatch.events e JOIN herdwatch.hosts h ON h.id = e.host_id WHERE h.name = 'web-7' AND e.kind = 'fim'") == 3)

            // Printing stays the default without a database.
            let printed = try ProgramRun.run(AgentProcess.executable, Array(arguments.dropLast(2)))
            #expect(printed.exitCode == 0 && printed.standardOutput.isEmpty)
        }
    }
}
