import Glibc

/// A sink that writes each batch's payload to a file in a directory: an output for air-gapped
/// hosts and debugging, and the second real store the shipper is tested against.
///
/// Layout: `<sequence, 20 digits>.batch` holds the payload, written to a temporary name and
/// renamed, so a file is whole or absent and shipping a batch again replaces it (stored once).
/// `deliveries` gets one line per successful ship, the sequence in decimal, so a reader can see
/// the order and any repeat; it is a log, not the store (a crash between the rename and the
/// log line leaves a stored batch unlogged). While a file named `REFUSE` exists in the directory, `ship` throws
/// a retryable ``BatchSinkError`` `.refused` (an operator's or a test's switch to force spooling;
/// permissions would not do, root ignores them).
///
/// ```swift
/// let sink = try DirectoryBatchSink(directory: "/var/lib/herdwatch/out")
/// try await sink.ship(batch)
/// ```
public struct DirectoryBatchSink: BatchSink {
    public let directory: String

    /// Creates the directory if needed.
    /// - Throws: ``BatchSinkError`` `.unavailable` when it cannot be created.
    public init(directory: String) throws {
        self.directory = directory
        do {
            try SpoolDirectory.create(directory)
        } catch {
            throw BatchSinkError(.unavailable, operation: "mkdir", cause: error)
        }
    }

    /// The name of the switch file that makes `ship` refuse.
    public static let refuseFileName = "REFUSE"
    public static let deliveriesFileName = "deliveries"

    /// Writes the batch, on ``BlockingIOExecutor`` (it calls fsync).
    public func ship(_ batch: ShipBatch) async throws {
        try await withTaskExecutorPreference(BlockingIOExecutor.shared) { try write(batch) }
    }

    private func write(_ batch: ShipBatch) throws {
        if access(directory + "/" + Self.refuseFileName, F_OK) == 0 {
            throw BatchSinkError(.refused, operation: "ship")
        }
        let name = Self.fileName(batch.sequence)
        let temporary = directory + "/." + name + ".tmp"
        try step("write") { () throws(Errno) in
            let file = try SpoolFile.open(temporary, create: true)
            defer { file.close() }
            try file.truncate(to: 0)
            try file.write(batch.payload, at: 0)
            try file.sync()
            try SpoolDirectory.rename(temporary, to: directory + "/" + name)
            let log = try SpoolFile.open(directory + "/" + Self.deliveriesFileName, create: true)
            defer { log.close() }
            try log.write(Array("\(batch.sequence)\n".utf8), at: try log.size())
        }
    }

    /// The file a batch is stored in.
    public static func fileName(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".batch"
    }

    private func step(_ operation: String, _ body: () throws(Errno) -> Void) throws(BatchSinkError) {
        do {
            try body()
        } catch {
            throw BatchSinkError(.refused, operation: operation, cause: error)
        }
    }
}
