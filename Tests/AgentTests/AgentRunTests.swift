import Foundation
import LibPQ
import PostgresFixture
import Testing

/// `herdwatch-agent run` end to end: the built executable following a real audit log into a
/// real PostgreSQL as an agent login.
@Suite struct AgentRunTests {
    @Test func shipsAppendedEventsOnceAndDrainsOnSIGTERM() async throws {
        try await MigratedDatabase.with { database in
            let login = try await TestLogin.createNamed("run", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.append(0..<200)
            let config = try writeAgentConfig(in: directory.path, logPath: log.path, conninfo: login.conninfo)
            let host = thisHostName

            let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")
            #expect(try await eventually { try await database.storedSerials(host: host).count == 200 }, "\(agent.output)")
            // One event claims to come from tomorrow: stored, flagged, counted.
            let tomorrow = Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000
            try log.appendText(log.lines(serial: 900_000, timeMilliseconds: tomorrow))
            try log.append(200..<400)
            try await Task.sleep(for: .milliseconds(300))
            agent.signal(SIGTERM)
            #expect(try await agent.wait() == 0, "\(agent.output)")

            // Whatever was read before SIGTERM is stored; the rest is read after the checkpoint.
            let again = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent2.out")
            #expect(try await eventually { try await database.storedSerials(host: host).count == 401 }, "\(again.output)")
            let stored = try await database.storedSerials(host: host)
            #expect(stored.values.allSatisfy { $0 == 1 })
            #expect(Set(stored.keys) == Set(0..<400).union([900_000]))
            #expect(try await database.scalar("SELECT count(*) FROM herdwatch.events WHERE detail->>'future_time' = 'true'") == 1)
            #expect(try await database.scalar("SELECT count(*) FROM herdwatch.events WHERE boot_id IS NOT NULL") == 0)
            #expect(try await eventually {
                try await database.scalar("SELECT count(*) FROM herdwatch.heartbeats WHERE report->>'config_digest' ~ '^[0-9a-f]{64}$'") > 0
            })
            // SIGHUP with a broken file keeps the running configuration; a good one reloads.
            // (A SIGHUP before the agent listens for it is ignored: wait until it does.)
            #expect(try await eventually { again.output.contains("reloading on SIGHUP") }, "\(again.output)")
            let good = try String(contentsOfFile: config, encoding: .utf8)
            try (good + "\nbatch_size: 3\n").write(toFile: config, atomically: true, encoding: .utf8)
            again.signal(SIGHUP)
            #expect(try await eventually { again.output.contains("configuration not reloaded") }, "\(again.output)")
            try good.write(toFile: config, atomically: true, encoding: .utf8)
            again.signal(SIGHUP)
            #expect(try await eventually { again.output.components(separatedBy: "SIGHUP: reloading").count == 3 }, "\(again.output)")
            again.signal(SIGTERM)
            #expect(try await again.wait() == 0, "\(again.output)")
            #expect(!agent.output.contains("spool lost data") && !agent.output.contains("refused"), "\(agent.output)")
        }
    }

    @Test func lastHeartbeatSaysStoppingAndEveryHeartbeatNamesThePID() async throws {
        try await MigratedDatabase.with { database in
            let login = try await TestLogin.createNamed("stopping", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.append(0..<5)
            let config = try writeAgentConfig(in: directory.path, logPath: log.path, conninfo: login.conninfo)
            let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")
            #expect(try await eventually { try await database.scalar("SELECT count(*) FROM herdwatch.heartbeats") >= 2 }, "\(agent.output)")
            agent.signal(SIGTERM)
            #expect(try await agent.wait() == 0, "\(agent.output)")

            let connection = try await database.connect()
            let last = try await connection.query(
                "SELECT report->>'stopping', report->>'agent_pid' FROM herdwatch.heartbeats ORDER BY at DESC LIMIT 1").first!
            #expect(try last.decode(String?.self, at: 0) == "true", "\(agent.output)")
            #expect(try last.decode(String?.self, at: 1) == "\(agent.pid)")
            #expect(try await database.scalar("SELECT count(*) FROM herdwatch.heartbeats WHERE report ? 'stopping'") == 1)
            #expect(try await database.scalar(
                "SELECT count(*) FROM herdwatch.heartbeats WHERE report->>'agent_pid' IS DISTINCT FROM '\(agent.pid)'") == 0)
        }
    }

    @Test func hostBoundToAnotherLoginIsRefusedWithAnErrorLog() async throws {
        try await MigratedDatabase.with { database in
            let owner = try await TestLogin.createNamed("owner", granted: "herdwatch_agent", in: database)
            let intruder = try await TestLogin.createNamed("intruder", granted: "herdwatch_agent", in: database)
            let host = thisHostName
            let ownerConnection = try await Connection.connect(conninfo: owner.conninfo)
            _ = try await ownerConnection.query(
                "SELECT herdwatch.agent_heartbeat($1, NULL, NULL, '{}'::jsonb)", [.text(host)])

            let directory = try TemporaryDirectory()
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.append(0..<20)
            let config = try writeAgentConfig(in: directory.path, logPath: log.path, conninfo: intruder.conninfo)
            let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")
            #expect(try await eventually { agent.output.contains("refused this host's events") }, "\(agent.output)")
            agent.signal(SIGTERM)
            #expect(try await agent.wait() == 0, "\(agent.output)")
            #expect(try await database.storedSerials(host: host).isEmpty)
            #expect(try await database.scalar(
                "SELECT count(*) FROM herdwatch.host_identity_events WHERE kind = 'foreign_host_refused'") > 0)
        }
    }
}
