import Foundation
import Synchronization
import PostgresFixture
import Storage
import Testing

/// The agent against a PostgreSQL of its own that the tests stop and start: an outage, and
/// SIGKILL at random moments while shipping and while spooling.
///
/// Serialized, on one cluster made once: the tests stop and start it, and two of them running
/// at once would double the load on the machine's two cores for the rest of the suite.
@Suite(.serialized) struct AgentOutageTests {
    /// Length of the outage, as the issue asks: long enough for the shipper's backoff to reach
    /// its 30 s cap, so the test also covers the wait after PostgreSQL is back.
    static let outage: Duration = .seconds(30)
    static let kills = 20

    private static let server = Mutex<DedicatedPostgres?>(nil)

    /// A database and agent login on the suite's own cluster, which is running on return.
    static func dedicatedDatabase(_ name: String) async throws -> (DedicatedPostgres, TestDatabase, TestLogin) {
        let server = try Self.server.withLock { server in
            if let server { return server }
            let started = try DedicatedPostgres.start()
            server = started
            return started
        }
        let database = try await server.createDatabase(name)
        try await MigratedDatabase.migrate(database)
        let login = try await TestLogin.createNamed("agent", granted: "herdwatch_agent", in: database)
        return (server, database, login)
    }

    @Test func everyEventStoredOnceAfterAnOutage() async throws {
        let (server, database, login) = try await Self.dedicatedDatabase("outage")
        let directory = try TemporaryDirectory()
        let log = AuditLogWriter(path: directory.path + "/audit.log")
        let config = try writeAgentConfig(in: directory.path, logPath: log.path, conninfo: login.conninfo, batchEvents: 25)
        let host = thisHostName
        let first = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")

        try log.append(0..<100)
        #expect(try await eventually { try await database.storedSerials(host: host).count == 100 }, "\(first.output)")
        try server.stop()
        let outageStarted = ContinuousClock.now
        try log.append(100..<150)
        try await Task.sleep(for: Self.outage / 6)
        // SIGTERM during the outage: what the agent holds goes to the spool, and it exits 0.
        first.signal(SIGTERM)
        #expect(try await first.wait() == 0, "\(first.output)")
        #expect(spoolBytes(directory.path + "/state/spool") > 0)
        let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent-2.out")
        for step in 1..<6 {
            try log.append((100 + step * 50)..<(150 + step * 50))
            try await Task.sleep(for: Self.outage / 6)
        }
        #expect(ContinuousClock.now - outageStarted >= Self.outage)
        try server.restart()
        try log.append(400..<450)
        // Up to one capped backoff (30 s) before the agent tries again, then the spool drains.
        #expect(try await eventually(timeout: .seconds(60)) { try await database.storedSerials(host: host).count == 450 }, "\(agent.output)")
        let stored = try await database.storedSerials(host: host)
        #expect(Set(stored.keys) == Set(0..<450))
        #expect(stored.values.allSatisfy { $0 == 1 })
        agent.signal(SIGTERM)
        #expect(try await agent.wait() == 0, "\(agent.output)")
    }

    @Test func replayWaitsOutAShortOutageAndStoresEverything() async throws {
        let (server, database, login) = try await Self.dedicatedDatabase("replay")
        let directory = try TemporaryDirectory()
        let log = AuditLogWriter(path: directory.path + "/audit.log")
        try log.append(0..<100)
        try server.stop()
        let replay = try AgentProcess(
            ["replay", log.path, "--host", "archive-01", "--database-url", login.conninfo], outputPath: directory.path + "/replay.out")
        try await Task.sleep(for: .seconds(1))
        try server.restart()
        #expect(try await replay.wait(timeout: .seconds(40)) == 0, "\(replay.output)")
        #expect(replay.output.contains("database unavailable, retrying"), "\(replay.output)")
        #expect(try await database.storedSerials(host: "archive-01").count == 100)
    }

    @Test func sigkillAtRandomMomentsLosesAndDuplicatesNothing() async throws {
        let (server, database, login) = try await Self.dedicatedDatabase("kills")
        let directory = try TemporaryDirectory()
        let log = AuditLogWriter(path: directory.path + "/audit.log")
        let config = try writeAgentConfig(in: directory.path, logPath: log.path, conninfo: login.conninfo, batchEvents: 20)
        let host = thisHostName
        var generator = SystemRandomNumberGenerator()
        var written = 0
        var databaseUp = true
        var killedWhileSpooling = 0
        for round in 0..<Self.kills {
            // Every third round the database is down: the agent is spooling when it dies.
            let wantUp = round % 3 != 2
            if wantUp != databaseUp {
                if wantUp { try server.restart() } else { try server.stop() }
                databaseUp = wantUp
            }
            let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent-\(round).out")
            try log.append(written..<(written + 150))
            written += 150
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600, using: &generator)))
            try log.append(written..<(written + 50))
            written += 50
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
            agent.signal(SIGKILL)
            #expect(try await agent.wait() == 128 + SIGKILL)
            if !databaseUp && spoolBytes(directory.path + "/state/spool") > 0 { killedWhileSpooling += 1 }
        }
        // Some kills must have hit an agent that held batches in its spool.
        print("agent killed \(Self.kills) times, \(killedWhileSpooling) of them with batches in the spool")
        #expect(killedWhileSpooling > 0)
        if !databaseUp { try server.restart() }
        let last = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent-last.out")
        #expect(try await eventually(timeout: .seconds(45)) { try await database.storedSerials(host: host).count == written }, "\(last.output)")
        let stored = try await database.storedSerials(host: host)
        #expect(Set(stored.keys) == Set(0..<written))
        #expect(stored.values.allSatisfy { $0 == 1 })
        // The earlier agents may have stored everything already: let this one finish starting
        // (its signal handlers are installed with its services) before asking it to stop.
        #expect(try await eventually(timeout: .seconds(30)) { last.output.contains("shipper started") }, "\(last.output)")
        last.signal(SIGTERM)
        #expect(try await last.wait() == 0, "\(last.output)")
    }
}

/// Bytes in the spool's segment files.
func spoolBytes(_ directory: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".seg") }.reduce(0) { total, name in
        let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? 0
        return total + size
    }
}
