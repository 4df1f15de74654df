import LibPQ
import PostgresFixture
import Storage
import Synchronization

/// A fresh database at the latest schema per test, cloned from a template migrated once per
/// test process (the same idea as StorageTests' helper).
enum MigratedDatabase {
    private static let template = Mutex<Task<String, any Error>?>(nil)

    static func with<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
        let task = template.withLock { task in
            if let task { return task }
            let created = Task {
                let server = try TestPostgres.shared()
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
}
