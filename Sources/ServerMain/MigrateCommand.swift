import ArgumentParser
import Storage

extension HerdwatchCommand {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the database schema up to date.",
            discussion: """
                Applies the numbered migrations in sql/ that the database lacks, in order, each in
                its own transaction, under an advisory lock. Running it again is a no-op. A database
                migrated by a newer herdwatch is refused.

                The first run in a PostgreSQL cluster creates the cluster-wide roles herdwatch_agent
                and herdwatch_service, so it needs a login with CREATEROLE (or a superuser); later
                databases in the same cluster do not.
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let settings = try global.resolve()
            let connection = try await global.connect(settings, requireSchema: false)
            let report = try await connection.withSession { session in
                try MigrationRunner().migrate(session) { migration in
                    print("applying \(migration.fileName)")
                }
            }
            if report.applied.isEmpty {
                print("database is up to date (\(report.alreadyApplied) migrations applied earlier)")
            } else {
                print("applied \(report.applied.count) migration(s); schema version \(report.currentVersion ?? 0)")
            }
        }
    }
}
