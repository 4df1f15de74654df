import AuditCore
import Glibc

/// Keeps the reader's pid → executable table (``ProcessLineage``) in `lineage.cache` in the
/// agent's state directory, so a restart does not cut the lineage of processes that started
/// before it: a child exec'd after the restart still gets its parent's executable.
///
/// The file is bound to the boot it was written in (``ProcessLineage/cacheFile(bootID:)``):
/// after a reboot the pids name other processes, so a file of another boot is ignored. Saving
/// writes a temporary file, fsync(2)s it when `sync` is on (the spool's `fsync` policy is not
/// `never`), rename(2)s it over the old one and fsyncs the directory, so a crash leaves the old
/// table or the new one. The reader saves on graceful shutdown and every ``saveInterval``.
///
/// The calls block on the disk briefly (a table of 32,768 pids is about 2 MB).
public struct LineageCacheStore: Sendable {
    public let directory: String
    public let bootID: String
    public let sync: Bool
    public var saveInterval: Duration = .seconds(60)
    /// Larger files are refused unread: the table's bound times a long path.
    static let maximumFileBytes = 16 << 20

    public init(directory: String, bootID: String, sync: Bool) {
        self.directory = directory
        self.bootID = bootID
        self.sync = sync
    }

    public var path: String { directory + "/lineage.cache" }

    /// The table saved during this boot, nil when there is no file.
    /// - Throws: `Errno` when the file cannot be read; ``LineageCacheError`` when it is of
    ///   another boot, damaged or too large. Either way the caller starts with an empty table.
    public func load(capacity: Int) throws -> ProcessLineage? {
        let fd: Int32
        switch Syscall.open(path, flags: O_RDONLY | O_CLOEXEC) {
        case .success(let opened): fd = opened
        case .failure(let errno) where errno.rawValue == ENOENT: return nil
        case .failure(let errno): throw errno
        }
        defer { Syscall.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            switch chunk.withUnsafeMutableBytes({ Syscall.read(fd, into: $0) }) {
            case .success(0): return try ProcessLineage(cacheFile: bytes, bootID: bootID, capacity: capacity)
            case .success(let count):
                bytes += chunk[..<count]
                if bytes.count > Self.maximumFileBytes { throw LineageCacheError(.malformed, offset: bytes.count) }
            case .failure(let errno): throw errno
            }
        }
    }

    /// Replaces the saved table with `lineage`.
    /// - Throws: `Errno`; the previous file is then intact.
    public func save(_ lineage: ProcessLineage) throws(Errno) {
        let temporary = path + ".tmp"
        let fd: Int32
        switch Syscall.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: 0o600) {
        case .success(let opened): fd = opened
        case .failure(let errno): throw errno
        }
        var written = Syscall.write(fd, lineage.cacheFile(bootID: bootID))
        if sync { written = written.flatMap { Syscall.fsync(fd) } }
        Syscall.close(fd)
        if case .failure(let errno) = written { throw errno }
        if case .failure(let errno) = Syscall.rename(temporary, to: path) { throw errno }
        if sync, case .success(let directoryFD) = Syscall.open(directory, flags: O_RDONLY | O_DIRECTORY) {
            _ = Syscall.fsync(directoryFD)
            Syscall.close(directoryFD)
        }
    }
}
