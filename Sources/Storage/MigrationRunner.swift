import LibPQ

/// Applies the embedded migrations that a database lacks, in version order.
///
/// Runs under a session-level advisory lock so two `herdwatch migrate` runs against one
/// database wait for each other; each migration runs in its own transaction together with its
/// row in `herdwatch.schema_migrations`, so a failure leaves the database at the previous
/// version. Re-running is a no-op.
public struct MigrationRunner: Sendable {
    /// What one run did.
    public struct Report: Sendable {
        public var applied: [Migration] = []
        public var alreadyApplied: Int = 0
        /// The database's version after the run.
        public var currentVersion: Int?
    }

    /// Arbitrary, fixed key for `pg_advisory_lock`: ASCII "herdwatc".
    static let lockKey: Int64 = 0x6865_7264_7761_7463

    public let migrations: [Migration]

    public init(migrations: [Migration] = Migration.all) {
        self.migrations = migrations
    }

    /// - Parameter progress: called before each migration is applied, for the CLI's output.
    public func migrate(_ session: Session, progress: (Migration) -> Void = { _ in }) throws -> Report {
        try session.query("SELECT pg_advisory_lock($1)", [.int64(Self.lockKey)])
        defer { _ = try? session.query("SELECT pg_advisory_unlock($1)", [.int64(Self.lockKey)]) }

        try prepareBookkeeping(session)
        let applied = try appliedMigrations(session)
        let known = Set(migrations.map(\.version))
        let unknown = applied.filter { !known.contains($0.version) }
        guard unknown.isEmpty else {
            throw MigrationError(reason: .unknownMigrations(unknown.map(\.fileName)))
        }

        var report = Report()
        let appliedVersions = Set(applied.map(\.version))
        for migration in migrations {
            if appliedVersions.contains(migration.version) {
                report.alreadyApplied += 1
                continue
            }
            progress(migration)
            try apply(migration, session)
            report.applied.append(migration)
        }
        report.currentVersion = migrations.last(where: { appliedVersions.contains($0.version) || report.applied.contains($0) })?.version
        return report
    }

    /// The versions recorded in the database, or none when it has never been migrated.
    public func appliedMigrations(_ session: Session) throws -> [(version: Int, fileName: String)] {
        let exists = try session.query("SELECT to_regclass('herdwatch.schema_migrations') IS NOT NULL").first?
            .decode(Bool.self, at: 0) ?? false
        guard exists else { return [] }
        return try session.query("SELECT version, file_name FROM herdwatch.schema_migrations ORDER BY version").rows.map {
            (try $0.decode(Int.self, at: 0), try $0.decode(String.self, at: 1))
        }
    }

    private func prepareBookkeeping(_ session: Session) throws {
        let exists = try session.query("SELECT to_regclass('herdwatch.schema_migrations') IS NOT NULL").first?
            .decode(Bool.self, at: 0) ?? false
        guard !exists else { return }
        try session.transaction {
            try session.execute("CREATE SCHEMA IF NOT EXISTS herdwatch")
            try session.execute(
                """
                CREATE TABLE IF NOT EXISTS herdwatch.schema_migrations (
                    version integer PRIMARY KEY,
                    file_name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    applied_by name NOT NULL DEFAULT session_user
                )
                """)
        }
    }

    private func apply(_ migration: Migration, _ session: Session) throws {
        try session.transaction {
            for statement in SQLScript.statements(in: migration.sql) {
                do {
                    try session.execute(statement.text)
                } catch let error as PostgresError {
                    throw MigrationError(
                        reason: .statementFailed(
                            fileName: migration.fileName, line: statement.line, statement: statement.text, cause: error))
                }
            }
            try session.query(
                "INSERT INTO herdwatch.schema_migrations (version, file_name) VALUES ($1, $2)",
                [.int(migration.version), .text(migration.fileName)])
        }
    }
}
