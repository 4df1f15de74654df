import Dispatch

/// An async handle on one PostgreSQL session.
///
/// libpq blocks, so every call runs on this connection's own serial dispatch queue (its own
/// thread), never on Swift concurrency's cooperative pool, and calls are served one at a time
/// in order. Group statements that belong together in one `withSession` call: it is one hop to
/// the connection's thread, and nothing else runs on the session meanwhile.
///
/// ```swift
/// let connection = try await Connection.connect(conninfo: "postgresql://herdwatch@db/herdwatch")
/// let count = try await connection.withSession { session in
///     try session.query("SELECT count(*) FROM hosts").first!.decode(Int.self, at: 0)
/// }
/// ```
public final class Connection: Sendable {
    private let queue: DispatchQueue
    private let box: SessionBox

    private init(session: Session, queue: DispatchQueue) {
        self.box = SessionBox(session: session)
        self.queue = queue
    }

    /// Connects without blocking the caller's thread. See `Session.init(conninfo:)` for what
    /// `conninfo` may hold and which defaults apply when it is empty.
    public static func connect(conninfo: String, applicationName: String = "herdwatch") async throws(PostgresError)
        -> Connection
    {
        let queue = DispatchQueue(label: "herdwatch.postgres.connection")
        let result: Result<Session, PostgresError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(PostgresError) {
                    let session = try Session(conninfo: conninfo, applicationName: applicationName)
                    continuation.resume(returning: .success(session))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        let session = try result.get()
        return Connection(session: session, queue: queue)
    }

    /// Runs `body` with exclusive use of the session on the connection's thread.
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (Session) throws -> T) async throws -> T {
        let box = self.box
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(box.session) })
            }
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLParameter] = []) async throws -> QueryResult {
        try await withSession { session in try session.query(sql, parameters) }
    }

    /// Runs statements without parameters.
    public func execute(_ sql: String) async throws {
        try await withSession { session in try session.execute(sql) }
    }
}

/// Holds the session for the connection's queue.
///
/// `@unchecked Sendable`: the session is only ever touched by closures running on the owning
/// connection's serial queue, which orders all access.
private final class SessionBox: @unchecked Sendable {
    let session: Session
    init(session: Session) { self.session = session }
}
