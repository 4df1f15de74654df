import LibPQ
import PostgresFixture
import Storage
import Testing

@Suite("The ingest path")
struct EventIngestTests {
    static func row(_ serial: Int64, seconds: Int64 = 1_795_460_000, kind: String = "exec", boot: String? = nil) -> IngestRow {
        var row = IngestRow(
            eventTime: PostgresTimestamp(microsecondsSinceEpoch: seconds * 1_000_000 + 123_000), serial: serial, kind: kind)
        row.bootID = boot
        row.exe = "/usr/bin/curl"
        row.argv = ["curl", "-d", "it's \"quoted\"\ttab", "ü"]
        row.address = "203.0.113.66"
        row.port = 1337
        row.uid = 4_294_967_295
        row.detail = #"{"cwd":"/tmp"}"#
        return row
    }

    @Test func aBatchHoldingDuplicatesStoresTheRest() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let first = try await connection.withSession { session in
                try EventIngest.ingest((1...3).map { Self.row($0) }, hostname: "Web-01.example.com", machineID: "m1", session: session)
            }
            #expect(first == .init(stored: 3, duplicates: 0))
            // Serials 2 and 3 again, 4 new, and 5 twice within the batch itself.
            let second = try await connection.withSession { session in
                try EventIngest.ingest([2, 3, 4, 5, 5].map { Self.row($0) }, hostname: "web-01.example.com", machineID: "m1", session: session)
            }
            #expect(second == .init(stored: 2, duplicates: 3))
            // Replayed logs carry no boot id: NULL boot ids still collide.
            let replay = try await connection.withSession { session in
                try EventIngest.ingest([Self.row(9), Self.row(9)], hostname: "web-01.example.com", machineID: nil, session: session)
            }
            #expect(replay == .init(stored: 1, duplicates: 1))

            let stored = try await connection.query(
                """
                SELECT count(*), min(h.name), bool_and(e.argv = ARRAY['curl', '-d', E'it''s "quoted"\\ttab', 'ü']),
                       bool_and(e.address = '203.0.113.66'::inet), bool_and(e.stored_by = current_user)
                FROM herdwatch.events e JOIN herdwatch.hosts h ON h.id = e.host_id
                """
            ).first!
            #expect(try stored.decode(Int.self, at: 0) == 6)
            #expect(try stored.decode(String.self, at: 1) == "web-01.example.com")
            #expect(try stored.decode(Bool.self, at: 2))
            #expect(try stored.decode(Bool.self, at: 3))
            #expect(try stored.decode(Bool.self, at: 4))
        }
    }

    @Test func anAgentLoginCanIngestButNotReadOrChangeEvents() async throws {
        try await MigratedDatabase.with { database in
            let agent = try await TestLogin.create(granted: "herdwatch_agent", in: database).connect()
            let outcome = try await agent.withSession { session in
                try EventIngest.ingest([Self.row(1), Self.row(2)], hostname: "web-02", machineID: "m2", session: session)
            }
            #expect(outcome == .init(stored: 2, duplicates: 0))

            for statement in [
                "SELECT * FROM herdwatch.events", "UPDATE herdwatch.events SET exe = 'x'", "DELETE FROM herdwatch.events",
                "TRUNCATE herdwatch.events", "SELECT * FROM herdwatch.hosts", "INSERT INTO herdwatch.roles VALUES ('x')",
                "SELECT * FROM herdwatch.events_default", "SELECT herdwatch.resolve_host_roles()",
            ] {
                let error = await #expect(throws: PostgresError.self, "\(statement)") { try await agent.execute(statement) }
                #expect(error?.isInsufficientPrivilege == true, "\(statement): \(error?.description ?? "")")
            }
            // The staging table is the agent's to fill, not to read or rig.
            let error = await #expect(throws: PostgresError.self) {
                try await agent.withSession { session in
                    try session.transaction {
                        try session.query("SELECT herdwatch.ingest_begin()")
                        try session.execute("SELECT * FROM pg_temp.ingest_events")
                    }
                }
            }
            #expect(error?.isInsufficientPrivilege == true)

            let admin = try await database.connect()
            let count = try await admin.query("SELECT count(*) FROM herdwatch.events").first!.decode(Int.self, at: 0)
            #expect(count == 2)
        }
    }

    @Test func anAgentCannotPlantItsOwnStagingTable() async throws {
        try await MigratedDatabase.with { database in
            let agent = try await TestLogin.create(granted: "herdwatch_agent", in: database).connect()
            let error = await #expect(throws: PostgresError.self) {
                try await agent.withSession { session in
                    try session.execute("CREATE TEMP TABLE ingest_events (x int)")
                    try session.query("SELECT herdwatch.ingest_begin()")
                }
            }
            #expect(error?.isInsufficientPrivilege == true)
            #expect(error?.message.contains("not created by herdwatch.ingest_begin") == true)
        }
    }

    @Test func invalidHostnamesAreRefused() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            for name in ["", "-web", "web 01", "web\u{1b}[31m", String(repeating: "a", count: 254)] {
                await #expect(throws: PostgresError.self, "\(name.debugDescription)") {
                    try await connection.withSession { session in
                        try EventIngest.ingest([Self.row(1)], hostname: name, machineID: nil, session: session)
                    }
                }
            }
        }
    }

    @Test func partitionsAreCreatedAheadAndRowsMovedOutOfTheDefault() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            // 2026-11-21 and 2026-11-22 UTC; no partitions exist yet, so both land in the default.
            let day1: Int64 = 1_795_219_200
            _ = try await connection.withSession { session in
                try EventIngest.ingest(
                    [Self.row(1, seconds: day1 + 10), Self.row(2, seconds: day1 + 86_399), Self.row(3, seconds: day1 + 86_400)],
                    hostname: "db-01", machineID: nil, session: session)
            }
            let created = try await connection.query("SELECT herdwatch.ensure_event_partitions('2026-11-21', 3)").rows
            #expect(try created.map { try $0.decode(String.self, at: 0) } == ["events_20261121", "events_20261122", "events_20261123"])
            let placement = try await connection.query(
                "SELECT serial, tableoid::regclass::text FROM herdwatch.events ORDER BY serial").rows
            #expect(try placement.map { try $0.decode(String.self, at: 1) } == [
                "herdwatch.events_20261121", "herdwatch.events_20261121", "herdwatch.events_20261122",
            ])
            // Idempotent, and the unique key still holds across the moved rows.
            let again = try await connection.query("SELECT herdwatch.ensure_event_partitions('2026-11-21', 3)").rows
            #expect(again.isEmpty)
            let outcome = try await connection.withSession { session in
                try EventIngest.ingest([Self.row(1, seconds: day1 + 10)], hostname: "db-01", machineID: nil, session: session)
            }
            #expect(outcome == .init(stored: 0, duplicates: 1))
        }
    }
}
