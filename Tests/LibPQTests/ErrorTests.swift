import LibPQ
import PostgresFixture
import Testing

@Suite("Errors carry SQLSTATE, message and detail")
struct ErrorTests {
    @Test func uniqueViolationSaysWhichKey() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            try await connection.execute("CREATE TABLE t (name text PRIMARY KEY)")
            try await connection.query("INSERT INTO t VALUES ($1)", ["web-01"])
            let error = await #expect(throws: PostgresError.self) {
                try await connection.query("INSERT INTO t VALUES ($1)", ["web-01"])
            }
            #expect(error?.isUniqueViolation == true)
            #expect(error?.code == .server)
            #expect(error?.constraint == "t_pkey")
            #expect(error?.detail == "Key (name)=(web-01) already exists.")
            #expect(error?.description.contains("duplicate key value violates unique constraint") == true)
            // Only the detail, never the description, repeats the value.
            #expect(error?.description.contains("web-01") == false)
        }
    }

    @Test func syntaxErrorHasItsOwnStateAndPosition() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELEC 1") }
            #expect(error?.sqlState == PostgresError.SQLState.syntaxError)
            #expect(error?.position == 1)
            #expect(error?.query == "SELEC 1")
            #expect(error?.description.contains("syntax error") == true)
        }
    }

    @Test func connectionRefusedIsAConnectionFailure() async throws {
        // Port 1 on loopback: nothing listens there, so the kernel refuses at once.
        let error = await #expect(throws: PostgresError.self) {
            _ = try await Connection.connect(conninfo: "host=127.0.0.1 port=1 connect_timeout=5")
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.sqlState == nil)
        #expect(error?.description.contains("refused") == true)
    }

    @Test func failedStatementInTransactionRollsBackEverything() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            try await connection.execute("CREATE TABLE t (n int PRIMARY KEY)")
            await #expect(throws: PostgresError.self) {
                try await connection.withSession { session in
                    try session.transaction {
                        try session.query("INSERT INTO t VALUES (1)")
                        try session.query("INSERT INTO t VALUES (1)")
                    }
                }
            }
            let count = try await connection.query("SELECT count(*) FROM t").first!.decode(Int.self, at: 0)
            #expect(count == 0)
            // The session is usable again after the rollback.
            try await connection.query("INSERT INTO t VALUES (2)")
        }
    }

    @Test func connectionStringsWithPasswordsAreRecognizedAndRedacted() throws {
        #expect(ConnectionString.containsPassword("postgresql://agent:s3cret@db.example/herdwatch"))
        #expect(ConnectionString.containsPassword("host=db password=s3cret"))
        #expect(!ConnectionString.containsPassword("postgresql://agent@db.example/herdwatch?sslmode=verify-full"))
        #expect(!ConnectionString.redacted("host=db password=s3cret").contains("s3cret"))
        #expect(throws: PostgresError.self) { try ConnectionString.parameters(of: "postgresql://[bad") }
        #expect(try ConnectionString.parameters(of: "postgresql://u@h:6543/d?sslmode=verify-full")["sslmode"] == "verify-full")
    }
}
