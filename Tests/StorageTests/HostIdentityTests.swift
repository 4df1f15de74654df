import LibPQ
import PostgresFixture
import Storage
import Testing

@Suite("Each agent writes only as itself")
struct HostIdentityTests {
    func row(_ serial: Int64) -> IngestRow { EventIngestTests.row(serial) }

    @Test func anotherLoginWritingAsABoundHostIsRefusedAndRecorded() async throws {
        try await MigratedDatabase.with { database in
            let web01 = try await TestLogin.create(granted: "herdwatch_agent", in: database)
            let intruder = try await TestLogin.createNamed("intruder", granted: "herdwatch_agent", in: database)
            let first = try await web01.connect().withSession { session in
                try EventIngest.ingest([row(1)], hostname: "web-01", machineID: "m-web-01", session: session)
            }
            #expect(first == .init(stored: 1, duplicates: 0, refused: false))

            let intruderConnection = try await intruder.connect()
            let attempt = try await intruderConnection.withSession { session in
                try EventIngest.ingest([row(2)], hostname: "WEB-01", machineID: "m-web-01", session: session)
            }
            #expect(attempt == .init(stored: 0, duplicates: 0, refused: true))
            let heartbeat = try await intruderConnection.withSession { session in
                try AgentHeartbeat.record(hostname: "web-01", machineID: nil, bootID: nil, reportJSON: #"{"version":"x"}"#, session: session)
            }
            #expect(heartbeat == false)

            let admin = try await database.connect()
            let events = try await admin.query("SELECT count(*) FROM herdwatch.events").first!.decode(Int.self, at: 0)
            #expect(events == 1)
            let recorded = try await admin.query(
                "SELECT kind, login, hostname, other FROM herdwatch.host_identity_events ORDER BY id").rows
            #expect(recorded.count == 2)
            #expect(try recorded[0].decode(String.self, "kind") == "foreign_host_refused")
            #expect(try recorded[0].decode(String.self, "login") == intruder.name)
            #expect(try recorded[0].decode(String.self, "other") == web01.name)
        }
    }

    @Test func aReplayLoginMayWriteForAnyHost() async throws {
        try await MigratedDatabase.with { database in
            let agent = try await TestLogin.create(granted: "herdwatch_agent", in: database)
            let replay = try await TestLogin.create(granted: "herdwatch_replay", in: database)
            _ = try await agent.connect().withSession { session in
                try EventIngest.ingest([row(1)], hostname: "db-01", machineID: "m1", session: session)
            }
            let replayed = try await replay.connect().withSession { session in
                try EventIngest.ingest((2...4).map { row($0) }, hostname: "db-01", machineID: nil, session: session)
            }
            #expect(replayed == .init(stored: 3, duplicates: 0, refused: false))
            let admin = try await database.connect()
            let loginsByRow = try await admin.query(
                "SELECT stored_by::text, count(*) FROM herdwatch.events GROUP BY 1 ORDER BY 2").rows
            #expect(try loginsByRow.map { try $0.decode(String.self, at: 0) } == [agent.name, replay.name])
            // Replay writes do not bind: the host still belongs to the agent that first reported it.
            let bound = try await admin.query("SELECT bound_login::text FROM herdwatch.hosts WHERE name = 'db-01'")
            #expect(try bound.first!.decode(String.self, at: 0) == agent.name)
        }
    }

    @Test func aHostnameChangeUnderTheSameMachineIDIsRecorded() async throws {
        try await MigratedDatabase.with { database in
            let agent = try await TestLogin.create(granted: "herdwatch_agent", in: database).connect()
            for name in ["worker-07", "worker-07-new"] {
                _ = try await agent.withSession { session in
                    try EventIngest.ingest([row(1)], hostname: name, machineID: "m-7", session: session)
                }
            }
            let admin = try await database.connect()
            let change = try await admin.query(
                "SELECT kind, hostname, other FROM herdwatch.host_identity_events").rows
            #expect(change.count == 1)
            #expect(try change.first?.decode(String.self, "kind") == "hostname_changed")
            #expect(try change.first?.decode(String.self, "hostname") == "worker-07-new")
            #expect(try change.first?.decode(String.self, "other") == "worker-07")
        }
    }

    @Test func heartbeatsUpdateTheHostListAndStayUnreadableToAgents() async throws {
        try await MigratedDatabase.with { database in
            let agent = try await TestLogin.create(granted: "herdwatch_agent", in: database).connect()
            let accepted = try await agent.withSession { session in
                try AgentHeartbeat.record(
                    hostname: "web-03", machineID: "m3", bootID: "6f1c0e9e-2b7a-4c1e-9d55-3a0f1f7c9b21",
                    reportJSON: #"{"version":"0.1.0","kernel_lost":12,"spool_bytes":4096,"spool_dropped_events":"bogus"}"#,
                    session: session)
            }
            #expect(accepted)
            await #expect(throws: PostgresError.self) { try await agent.execute("SELECT * FROM herdwatch.heartbeats") }
            await #expect(throws: PostgresError.self) {
                try await agent.withSession { session in
                    try AgentHeartbeat.record(hostname: "web-03", machineID: "m3", bootID: nil, reportJSON: "[1]", session: session)
                }
            }
            let host = try await database.connect().withSession { session in try FleetRepository(session: session).hosts() }
            #expect(host.map(\.agentVersion) == ["0.1.0"])
            #expect(host.map(\.kernelLost) == [12])
            #expect(host.map(\.spoolBytes) == [4096])
            #expect(host.first?.lastHeartbeat != nil)
        }
    }
}
