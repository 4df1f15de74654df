import LibPQ
import PostgresFixture
import Testing

@Suite("Parameter binding and typed results on a real server")
struct ParameterBindingTests {
    static let hostileStrings: [String] = [
        "it's", "\"quoted\"", "back\\slash", "\\x00 not bytes", "tab\there", "new\nline", "'; DROP TABLE t; --",
        "$1", "{a,b}", "NULL", "", "ünïcödé ✓ 日本語 🐑", String(repeating: "x'\\\"", count: 262_144),
    ]

    @Test func hostileTextRoundTripsUnchanged() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            try await connection.execute("CREATE TABLE t (id int PRIMARY KEY, value text)")
            for (index, value) in Self.hostileStrings.enumerated() {
                try await connection.query("INSERT INTO t VALUES ($1, $2)", [.int32(Int32(index)), .text(value)])
            }
            let rows = try await connection.query("SELECT value FROM t ORDER BY id").rows
            #expect(try rows.map { try $0.decode(String.self, at: 0) } == Self.hostileStrings)
            // The 1 MB value is stored whole, not truncated.
            let length = try await connection.query("SELECT max(octet_length(value)) FROM t").first!.decode(Int.self, at: 0)
            #expect(length == 1_048_576)
            // The injection attempt was data: the table still exists with every row.
            let count = try await connection.query("SELECT count(*) FROM t").first!.decode(Int.self, at: 0)
            #expect(count == Self.hostileStrings.count)
        }
    }

    @Test func nullsDecodeAsOptionalsAndFailAsNonOptionals() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let row = try await connection.query("SELECT $1::text AS a, $2::bigint AS b", [.null, nil]).first!
            #expect(try row.decode(String?.self, "a") == nil)
            #expect(try row.decode(Int64?.self, "b") == nil)
            #expect(throws: PostgresError.self) { try row.decode(String.self, "a") }
        }
    }

    @Test func scalarTypesRoundTrip() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let row = try await connection.query(
                "SELECT $1, $2, $3, $4, $5, $6, $7",
                [.int32(-2_147_483_648), .int64(Int64.max), .bool(true), .bool(false), .double(3.141592653589793),
                 .double(-.infinity), .double(1e-300)]
            ).first!
            #expect(try row.decode(Int32.self, at: 0) == Int32.min)
            #expect(try row.decode(Int64.self, at: 1) == Int64.max)
            #expect(try row.decode(Bool.self, at: 2) == true)
            #expect(try row.decode(Bool.self, at: 3) == false)
            #expect(try row.decode(Double.self, at: 4) == 3.141592653589793)
            #expect(try row.decode(Double.self, at: 5) == -.infinity)
            #expect(try row.decode(Double.self, at: 6) == 1e-300)
        }
    }

    @Test func textArraysRoundTripWithHostileElements() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let elements: [String?] = ["plain", "with space", "comma,brace}{", "quote\"", "back\\slash", nil, "NULL", "", "🐑"]
            let row = try await connection.query(
                "SELECT $1::text[], array_length($1::text[], 1), ($1::text[])[6] IS NULL, $2::text[]",
                [.textArray(elements), .textArray([])]
            ).first!
            #expect(try row.decode([String?].self, at: 0) == elements)
            #expect(try row.decode(Int.self, at: 1) == elements.count)
            #expect(try row.decode(Bool.self, at: 2))
            #expect(try row.decode([String?].self, at: 3) == [])
        }
    }

    @Test func inetJsonbAndByteaRoundTrip() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let json = #"{"argv": ["sh", "-c", "echo \"hi\"\n"], "exe": "/usr/bin/\u00fc", "n": 1}"#
            let row = try await connection.query(
                "SELECT $1, $2, $3 << '10.0.0.0/8'::inet, $4, $4->'argv'->>2, $5, octet_length($5)",
                [.inet("2001:db8::1"), .inet("10.1.2.3/32"), .inet("10.1.2.3"), .jsonb(json), .bytea([0, 1, 255, 0])]
            ).first!
            #expect(try row.decode(String.self, at: 0) == "2001:db8::1")
            #expect(try row.decode(String.self, at: 1) == "10.1.2.3")
            #expect(try row.decode(Bool.self, at: 2))
            #expect(try row.decode(String.self, at: 4) == "echo \"hi\"\n")
            #expect(try row.decode(ByteaValue.self, at: 5).bytes == [0, 1, 255, 0])
            #expect(try row.decode(Int.self, at: 6) == 4)
        }
    }

    @Test func timestamptzRoundTripsToTheMicrosecond() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let times = [
                PostgresTimestamp(microsecondsSinceEpoch: 1_795_460_642_123_456),
                PostgresTimestamp(microsecondsSinceEpoch: 0),
                PostgresTimestamp(microsecondsSinceEpoch: -1),  // 1969-12-31 23:59:59.999999
                PostgresTimestamp(microsecondsSinceEpoch: 951_782_400_000_001),  // 2000-02-29 leap day
            ]
            for time in times {
                let row = try await connection.query(
                    "SELECT $1, extract(epoch FROM $1)::numeric * 1000000", [.timestamp(time)]
                ).first!
                #expect(try row.decode(PostgresTimestamp.self, at: 0) == time)
                #expect(try row.decode(String.self, at: 1).hasPrefix(String(time.microsecondsSinceEpoch)))
            }
            // A value the server computes in another zone still decodes to the same instant.
            let row = try await connection.query("SELECT '2026-11-21 21:04:02.5+02'::timestamptz").first!
            #expect(try row.decode(PostgresTimestamp.self, at: 0).description == "2026-11-21T19:04:02.500000Z")
        }
    }
}
