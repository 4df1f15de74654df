import Foundation
import LibPQ
import Synchronization

/// A PostgreSQL server for tests: a throwaway cluster started on first use, or an existing
/// server when the standard `PGHOST` variable points at one.
///
/// The throwaway cluster lives in `/tmp/herdwatch-testpg-*`, listens only on a unix socket in
/// that directory, runs with fsync off, and is stopped and deleted when the test process exits.
/// initdb and postgres refuse to run as root, so as root the cluster belongs to the `postgres`
/// user (or `nobody`). Clusters left by a test process that died are cleaned up at start.
///
/// ```swift
/// try await TestPostgres.withDatabase { database in
///     let connection = try await database.connect()
///     …
/// }
/// ```
public final class TestPostgres: Sendable {
    /// libpq `key=value` parameters that reach the server, without a database name.
    public let serverConninfo: String
    /// True when the tests run against an existing server named by `PG*` variables.
    public let isExternal: Bool
    private let counter = Atomic<Int>(0)

    private init(serverConninfo: String, isExternal: Bool) {
        self.serverConninfo = serverConninfo
        self.isExternal = isExternal
    }

    private static let sharedServer = StartOnce { try start() }

    /// The server for this test process, started on first use off the cooperative pool
    /// (see ``StartOnce``).
    public static func shared() async throws -> TestPostgres {
        try await sharedServer.value()
    }

    /// Creates a fresh, empty database, runs `body` with it and drops it afterwards.
    public static func withDatabase<T>(
        template: String? = nil, _ body: (TestDatabase) async throws -> T
    ) async throws -> T {
        let server = try await shared()
        let database = try await server.createDatabase(template: template)
        do {
            let value = try await body(database)
            try await server.dropDatabase(database.name)
            return value
        } catch {
            try? await server.dropDatabase(database.name)
            throw error
        }
    }

    /// Creates a database with a name unique to this process; `template` clones an existing one.
    public func createDatabase(template: String? = nil) async throws -> TestDatabase {
        let name = "herdwatch_test_\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        let admin = try await adminConnection()
        var sql = "CREATE DATABASE \(name)"
        if let template { sql += " TEMPLATE \(template)" }
        try await admin.execute(sql)
        return TestDatabase(name: name, conninfo: "\(serverConninfo) dbname=\(name)")
    }

    public func dropDatabase(_ name: String) async throws {
        let admin = try await adminConnection()
        try await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// A connection to the maintenance database `postgres`, as the test superuser.
    public func adminConnection() async throws -> Connection {
        try await Connection.connect(conninfo: "\(serverConninfo) dbname=postgres")
    }

    private static func start() throws -> TestPostgres {
        let environment = ProcessInfo.processInfo.environment
        if let host = environment["PGHOST"], !host.isEmpty {
            // libpq fills in host, port, user and password from the environment.
            return TestPostgres(serverConninfo: "", isExternal: true)
        }
        let cluster = try ThrowawayCluster.start()
        return TestPostgres(serverConninfo: cluster.conninfo, isExternal: false)
    }
}

/// A database created for one test.
public struct TestDatabase: Sendable {
    public let name: String
    /// libpq parameters that reach this database as the test superuser.
    public let conninfo: String

    public func connect() async throws -> Connection {
        try await Connection.connect(conninfo: conninfo)
    }
}
