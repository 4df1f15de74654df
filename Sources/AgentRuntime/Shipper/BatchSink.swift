/// Where the shipper delivers batches: the seam between the shipper and a store.
///
/// Implementations: `PostgresEventSink` (COPY into the events table; in Storage, being
/// written) and ``DirectoryBatchSink`` (one file per batch, for air-gapped hosts, debugging
/// and the spool tests).
///
/// Contract: `ship` returns only once the batch is durably stored; shipping the same batch
/// twice stores it once (PostgreSQL: the unique event key; a directory: the file name is the
/// sequence). It is called for one batch at a time.
public protocol BatchSink: Sendable {
    /// Stores one batch.
    /// - Throws: ``BatchSinkError`` saying whether a retry can succeed; any other error is
    ///   taken as retryable (a connection that broke, a cancelled call).
    func ship(_ batch: ShipBatch) async throws
}

/// Why a sink did not store a batch, and whether trying again can help.
public struct BatchSinkError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case unavailable, refused, rejected }
        private let base: Base
        /// The store cannot be reached (connection refused, DNS, timeout): retryable.
        public static let unavailable = Code(base: .unavailable)
        /// The store is up but refuses writes for now (read-only, disk full, too many
        /// connections, permission being fixed): retryable.
        public static let refused = Code(base: .refused)
        /// This batch can never be stored (invalid data): not retryable, the batch is discarded
        /// and counted so that it does not block the ones behind it.
        public static let rejected = Code(base: .rejected)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// Whether shipping the same batch again later can succeed.
    public var isRetryable: Bool { code != .rejected }
    /// The error underneath (a `PostgresError`, an `Errno`).
    public var cause: (any Error)?
    /// What the sink was doing, such as "COPY events" or "rename".
    public var operation: String

    public init(_ code: Code, operation: String, cause: (any Error)? = nil) {
        self.code = code
        self.operation = operation
        self.cause = cause
    }

    public var description: String { "batch sink \(code) during \(operation)" }
    public var debugDescription: String {
        "BatchSinkError(\(code), operation: \(operation), cause: \(cause.map { String(reflecting: $0) } ?? "nil"))"
    }
}
