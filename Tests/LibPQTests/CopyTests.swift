import LibPQ
import PostgresFixture
import Testing

@Suite("COPY FROM STDIN")
struct CopyTests {
    struct Abort: Error {}

    @Test func copiesOneHundredThousandRowsWithEscapedText() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            try await connection.execute("CREATE TABLE t (id bigint, label text, note text)")
            let stored = try await connection.withSession { session in
                try session.copyFrom("COPY t (id, label, note) FROM STDIN") { writer in
                    for id in 0..<100_000 {
                        try writer.appendRow([String(id), "tab\there\\ \(id)\nline\r", id % 10 == 0 ? nil : "ü"])
                    }
                }
            }
            #expect(stored == 100_000)
            let row = try await connection.query(
                "SELECT count(*), count(note), sum(id), min(label) FILTER (WHERE id = 7) FROM t"
            ).first!
            #expect(try row.decode(Int.self, at: 0) == 100_000)
            #expect(try row.decode(Int.self, at: 1) == 90_000)
            #expect(try row.decode(Int64.self, at: 2) == 4_999_950_000)
            #expect(try row.decode(String.self, at: 3) == "tab\there\\ 7\nline\r")
        }
    }

    @Test func copyAbortedHalfWayLeavesNothingBehind() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            try await connection.execute("CREATE TABLE t (id bigint)")
            await #expect(throws: Abort.self) {
                try await connection.withSession { session in
                    try session.copyFrom("COPY t FROM STDIN") { writer in
                        // Well past the writer's buffer, so rows have already reached the server.
                        for id in 0..<50_000 { try writer.appendRow([String(id)]) }
                        throw Abort()
                    }
                }
            }
            let count = try await connection.query("SELECT count(*) FROM t").first!.decode(Int.self, at: 0)
            #expect(count == 0)
        }
    }

    @Test func copyRejectedByTheServerHalfWayLeavesNothingBehind() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            try await connection.execute("CREATE TABLE t (id bigint)")
            let error = await #expect(throws: PostgresError.self) {
                try await connection.withSession { session in
                    try session.copyFrom("COPY t FROM STDIN") { writer in
                        for id in 0..<50_000 { try writer.appendRow([String(id)]) }
                        try writer.appendRow(["not a number"])
                        for id in 0..<10 { try writer.appendRow([String(id)]) }
                    }
                }
            }
            #expect(error?.sqlState == PostgresError.SQLState.invalidTextRepresentation)
            let count = try await connection.query("SELECT count(*) FROM t").first!.decode(Int.self, at: 0)
            #expect(count == 0)
        }
    }
}
