import LibPQ
import Storage
import Synchronization

/// Gives each test a fresh database already at the latest schema, cloned from a template that
/// is migrated once per test process (CREATE DATABASE … TEMPLATE is much faster than migrating).
public enum MigratedDatabase {
    private static let template = Mutex<Task<String, any Error>?>(nil)

    public static func with<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
        let task = template.withLock { task in
            if let task { return task }
            let created = Task {
                let server = try await TestPostgres.shared()
                let database = try await server.createDatabase()
                let connection = try await database.connect()
                _ = try await connection.withSession { try MigrationRunner().migrate($0) }
                return database.name
            }
            task = created
            return created
        }
        let name = try await task.value
        return try await TestPostgres.withDatabase(template: name, body)
    }

    /// Brings a database made elsewhere (a dedicated cluster's) to the latest schema.
    public static func migrate(_ database: TestDatabase) async throws {
        let connection = try await database.connect()
        _ = try await connection.withSession { try MigrationRunner().migrate($0) }
    }
}

/// A login that holds only `role`, for testing what agents and the service may do.
public struct TestLogin: Sendable {
    public let name: String
    public let conninfo: String

    public static func create(granted role: String, in database: TestDatabase) async throws -> TestLogin {
        try await createNamed(role, granted: role, in: database)
    }

    /// A login named after `label` and the test database, so tests running at once don't clash.
    public static func createNamed(_ label: String, granted role: String, in database: TestDatabase) async throws -> TestLogin {
        let name = "login_\(database.name)_\(label)"
        let admin = try await database.connect()
        try await admin.execute("CREATE ROLE \(name) LOGIN IN ROLE \(role)")
        return TestLogin(name: name, conninfo: "\(database.conninfo) user=\(name)")
    }

    public func connect() async throws -> Connection {
        try await Connection.connect(conninfo: conninfo)
    }
}
