import Glibc

/// Keeps the log file source's checkpoint in the agent's state directory, written atomically:
/// a temporary file is written and fsync(2)ed, renamed over the checkpoint (rename(2) replaces
/// it atomically), and the directory is fsynced so the rename survives a crash. A reader
/// therefore sees the old checkpoint or the new one, never a torn one.
///
/// The caller saves a batch's ``LogLineBatch/position`` only once the batch is safe (copied
/// into PostgreSQL or the spool), and starts ``LogFileAuditSource`` with ``load()``: after a
/// crash, lines after the checkpoint are read again (at least once, never lost).
///
/// ```swift
/// let store = CheckpointStore(directory: "/var/lib/herdwatch")
/// let source = try LogFileAuditSource.start(.init(path: logPath), resumingFrom: try store.load())
/// // … after shipping a batch:
/// if let position = batch.position { try store.save(position) }
/// ```
///
/// The calls block on the disk (fsync), briefly: call them from a thread or task that may block.
public struct CheckpointStore: Sendable {
    public let directory: String
    public let name: String

    public init(directory: String, name: String = "audit-log.checkpoint") {
        self.directory = directory
        self.name = name
    }

    public var path: String { directory + "/" + name }

    /// The saved position, or `nil` when none was saved.
    /// - Throws: ``LogSourceError`` `.checkpointUnreadable` or `.checkpointMalformed`.
    public func load() throws(LogSourceError) -> LogPosition? {
        let fd: Int32
        switch Syscall.open(path, flags: O_RDONLY) {
        case .success(let opened): fd = opened
        case .failure(let errno) where errno.rawValue == ENOENT: return nil
        case .failure(let errno): throw LogSourceError(.checkpointUnreadable, operation: "open", path: path, cause: errno)
        }
        defer { Syscall.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        var count = 0
        while count < buffer.count {
            let result = buffer.withUnsafeMutableBytes { Syscall.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[count...])) }
            switch result {
            case .success(0): return try decode(buffer[0..<count])
            case .success(let read): count += read
            case .failure(let errno): throw LogSourceError(.checkpointUnreadable, operation: "read", path: path, cause: errno)
            }
        }
        throw LogSourceError(.checkpointMalformed, operation: "read", path: path)
    }

    private func decode(_ bytes: ArraySlice<UInt8>) throws(LogSourceError) -> LogPosition {
        do throws(LogSourceError) {
            return try LogCheckpoint.decode(bytes)
        } catch {
            var error = error
            error.path = path
            throw error
        }
    }

    /// Replaces the checkpoint with `position`, durably.
    /// - Throws: ``LogSourceError`` `.checkpointWriteFailed`; the previous checkpoint is then intact.
    public func save(_ position: LogPosition) throws(LogSourceError) {
        let temporary = path + ".tmp"
        func failed(_ operation: String, _ errno: Errno) -> LogSourceError {
            LogSourceError(.checkpointWriteFailed, operation: operation, path: path, cause: errno)
        }
        let fd: Int32
        switch Syscall.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600) {
        case .success(let opened): fd = opened
        case .failure(let errno): throw failed("open", errno)
        }
        let written = Syscall.write(fd, LogCheckpoint.encode(position)).flatMap { Syscall.fsync(fd) }
        Syscall.close(fd)
        if case .failure(let errno) = written { throw failed("write", errno) }
        if case .failure(let errno) = Syscall.rename(temporary, to: path) { throw failed("rename", errno) }
        // The rename is durable once the directory is synced (fsync(2): "an explicit fsync()
        // on a file descriptor for the directory is also needed").
        if case .success(let directoryFD) = Syscall.open(directory, flags: O_RDONLY | O_DIRECTORY) {
            _ = Syscall.fsync(directoryFD)
            Syscall.close(directoryFD)
        }
    }
}
