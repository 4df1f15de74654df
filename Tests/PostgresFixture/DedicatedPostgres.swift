import Foundation
import LibPQ

/// A PostgreSQL cluster of one test's own, which the test may stop and start again (an
/// outage) without disturbing the shared server other tests use. Removed by ``remove()`` or at exit.
///
/// ```swift
/// let server = try DedicatedPostgres.start()
/// defer { server.remove() }
/// try server.stop()   // the outage
/// try server.restart()
/// ```
public final class DedicatedPostgres: Sendable {
    private let cluster: ThrowawayCluster
    private let tools: PostgresTools

    /// libpq parameters that reach the server as the superuser, without a database name.
    public var serverConninfo: String { cluster.conninfo }

    private init(cluster: ThrowawayCluster, tools: PostgresTools) {
        self.cluster = cluster
        self.tools = tools
    }

    public static func start() throws -> DedicatedPostgres {
        let tools = try PostgresTools.locate()
        let cluster = try ThrowawayCluster.create(tools: tools)
        ClusterRegistry.register(cluster, tools: tools)
        return DedicatedPostgres(cluster: cluster, tools: tools)
    }

    /// Stops the server (fast shutdown: sessions are ended).
    public func stop() throws { try cluster.stopServer(tools: tools) }

    /// Starts it again and waits until it accepts connections.
    public func restart() throws { try cluster.startServer(tools: tools) }

    /// Stops it for good and deletes its files.
    public func remove() {
        cluster.stop(tools: tools)
        ClusterRegistry.unregister(directory: cluster.directory)
    }

    /// Creates a database on this server.
    public func createDatabase(_ name: String) async throws -> TestDatabase {
        let admin = try await Connection.connect(conninfo: "\(serverConninfo) dbname=postgres")
        try await admin.execute("CREATE DATABASE \(name)")
        return TestDatabase(name: name, conninfo: "\(serverConninfo) dbname=\(name)")
    }
}
