import Glibc

/// What stat(2)/fstat(2) tell a log source: the file's identity and size.
struct FileStatus: Sendable, Hashable {
    var device: UInt64
    var inode: UInt64
    var size: Int64

    init(_ raw: stat) {
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
        size = Int64(raw.st_size)
    }

    func position(at offset: Int64, fingerprint: UInt64 = FileFingerprint.empty) -> LogPosition {
        LogPosition(device: device, inode: inode, offset: offset, fingerprint: fingerprint)
    }

    /// Whether `position` names this file by (device, inode); see ``LogPosition/fingerprint``
    /// for the rest of the check.
    func isFile(of position: LogPosition) -> Bool {
        device == position.device && inode == position.inode
    }
}

/// The log sources' system calls: one thin function per call, returning its result or the
/// `Errno` (open(2), read(2), write(2), lseek(2), fstat(2), stat(2), fsync(2), rename(2),
/// pipe(2), poll(2), inotify(7), readdir(3)). `EINTR` is retried here; meaning is given one
/// layer up, in the sources and ``LogSourceError``.
enum Syscall {
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) -> Result<Int32, Errno> {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return .success(fd) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// read(2) into `buffer`; 0 is end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return .success(count) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// pread(2) until `buffer` is full or the file ends; returns the bytes read.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Result<Int, Errno> {
        var total = 0
        while total < buffer.count {
            let count = Glibc.pread(fd, buffer.baseAddress! + total, buffer.count - total, off_t(offset) + off_t(total))
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            total += count
        }
        return .success(total)
    }

    /// write(2) until every byte is written.
    static func write(_ fd: Int32, _ bytes: [UInt8]) -> Result<Void, Errno> {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            written += count
        }
        return .success(())
    }

    /// lseek(2) to `offset` from the start.
    static func seek(_ fd: Int32, to offset: Int64) -> Result<Int64, Errno> {
        let result = Glibc.lseek(fd, off_t(offset), SEEK_SET)
        return result >= 0 ? .success(Int64(result)) : .failure(Errno(errno))
    }

    /// fstat(2).
    static func fileStatus(_ fd: Int32) -> Result<FileStatus, Errno> {
        var raw = Glibc.stat()
        return Glibc.fstat(fd, &raw) == 0 ? .success(FileStatus(raw)) : .failure(Errno(errno))
    }

    /// stat(2) (as fstatat(2) with AT_FDCWD, since `Glibc.stat` names the struct), following
    /// symbolic links as tail -F does.
    static func fileStatus(path: String) -> Result<FileStatus, Errno> {
        var raw = Glibc.stat()
        return fstatat(AT_FDCWD, path, &raw, 0) == 0 ? .success(FileStatus(raw)) : .failure(Errno(errno))
    }

    static func fsync(_ fd: Int32) -> Result<Void, Errno> {
        Glibc.fsync(fd) == 0 ? .success(()) : .failure(Errno(errno))
    }

    static func rename(_ from: String, to: String) -> Result<Void, Errno> {
        Glibc.rename(from, to) == 0 ? .success(()) : .failure(Errno(errno))
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// pipe(2), then fcntl(2) FD_CLOEXEC and O_NONBLOCK on both ends: (read end, write end).
    /// (Glibc's Swift module does not export pipe2 without _GNU_SOURCE.)
    static func pipe() -> Result<(Int32, Int32), Errno> {
        var ends: [Int32] = [-1, -1]
        guard Glibc.pipe(&ends) == 0 else { return .failure(Errno(errno)) }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return .success((ends[0], ends[1]))
    }

    /// poll(2) for input on `descriptors`.
    /// - Returns: for each descriptor, whether it is readable (or hung up / in error).
    static func pollReadable(_ descriptors: [Int32], timeoutMilliseconds: Int32) -> Result<[Bool], Errno> {
        var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while true {
            let result = Glibc.poll(&entries, nfds_t(entries.count), timeoutMilliseconds)
            if result >= 0 { return .success(entries.map { $0.revents != 0 }) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// inotify_init1(2), non-blocking.
    static func inotifyInit() -> Result<Int32, Errno> {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        return fd >= 0 ? .success(fd) : .failure(Errno(errno))
    }

    /// inotify_add_watch(2).
    static func inotifyAddWatch(_ fd: Int32, path: String, mask: UInt32) -> Result<Int32, Errno> {
        let watch = inotify_add_watch(fd, path, mask)
        return watch >= 0 ? .success(watch) : .failure(Errno(errno))
    }

    /// Reads and discards whatever is pending on a non-blocking descriptor (inotify events,
    /// wake-up bytes): the sources re-check the file rather than interpret events.
    static func drain(_ fd: Int32) {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while scratch.withUnsafeMutableBytes({ Glibc.read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// The names in directory `path`, without "." and "..".
    static func directoryEntries(_ path: String) -> Result<[String], Errno> {
        guard let directory = opendir(path) else { return .failure(Errno(errno)) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }
}
