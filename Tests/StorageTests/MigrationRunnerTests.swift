import LibPQ
import PostgresFixture
import Storage
import Testing

@Suite("Migrations")
struct MigrationRunnerTests {
    @Test func migratingTwiceIsANoOpAndASecondDatabaseOfTheClusterMigratesToo() async throws {
        try await TestPostgres.withDatabase { first in
            let connection = try await first.connect()
            let report = try await connection.withSession { try MigrationRunner().migrate($0) }
            #expect(report.applied.map(\.fileName) == Migration.all.map(\.fileName))
            let again = try await connection.withSession { try MigrationRunner().migrate($0) }
            #expect(again.applied.isEmpty)
            #expect(again.alreadyApplied == Migration.all.count)

            // The cluster-wide roles exist now; a second database reuses them.
            try await TestPostgres.withDatabase { second in
                let other = try await second.connect()
                let report = try await other.withSession { try MigrationRunner().migrate($0) }
                #expect(report.applied.count == Migration.all.count)
                let tables = try await other.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'herdwatch'")
                #expect(try tables.first!.decode(Int.self, at: 0) >= 4)
            }
        }
    }

    @Test func aDatabaseWithUnknownMigrationsIsRefused() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.query(
                "INSERT INTO herdwatch.schema_migrations (version, file_name) VALUES (9999, '9999_from_the_future.sql')")
            let error = await #expect(throws: MigrationError.self) {
                try await connection.withSession { try MigrationRunner().migrate($0) }
            }
            #expect(error?.description.contains("9999_from_the_future.sql") == true)
            #expect(error?.description.contains("newer") == true)
        }
    }

    @Test func aFailingMigrationNamesFileAndStatementAndLeavesNothing() async throws {
        try await TestPostgres.withDatabase { database in
            let connection = try await database.connect()
            let broken = Migration(
                fileName: "0002_broken.sql",
                sql: """
                    -- creates a table, then fails
                    CREATE TABLE herdwatch.half_done (id int);

                    SELECT 'semicolon; in a string';
                    INSERT INTO herdwatch.no_such_table VALUES (1);
                    """)!
            let runner = MigrationRunner(migrations: Migration.all + [broken])
            let error = await #expect(throws: MigrationError.self) {
                try await connection.withSession { try runner.migrate($0) }
            }
            #expect(error?.description.hasPrefix("0002_broken.sql:5:") == true)
            #expect(error?.description.contains("INSERT INTO herdwatch.no_such_table") == true)
            #expect(error?.description.contains("does not exist") == true)
            // The good migrations stay applied; the broken one left no table and no record.
            let state = try await connection.query(
                "SELECT to_regclass('herdwatch.half_done') IS NULL, (SELECT max(version) FROM herdwatch.schema_migrations)")
            #expect(try state.first!.decode(Bool.self, at: 0))
            #expect(try state.first!.decode(Int.self, at: 1) == Migration.all.last!.version)
        }
    }

    @Test func embeddedMigrationsAreNumberedWithoutGaps() {
        #expect(!Migration.all.isEmpty)
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
    }
}
