import CLinuxAudit
import Glibc

/// One thin function per file system call, each returning its result or the `Errno`
/// (lstat(2), open(2), read(2), readlink(2), opendir(3), readdir(3), statfs(2)). `EINTR` is
/// retried here; meaning is given one layer up, in ``DirectoryWalker`` and ``FileHasher``.
enum FileSystemCalls {
    /// lstat(2): the path's own metadata, never following a symlink.
    static func lstat(_ path: String) -> Result<stat, Errno> {
        var info = stat()
        return Glibc.lstat(path, &info) == 0 ? .success(info) : .failure(Errno(errno))
    }

    /// fstat(2) on an open descriptor.
    static func fstat(_ descriptor: Int32) -> Result<stat, Errno> {
        var info = stat()
        return Glibc.fstat(descriptor, &info) == 0 ? .success(info) : .failure(Errno(errno))
    }

    /// open(2) read-only, never through a symlink (O_NOFOLLOW), not inherited (O_CLOEXEC), and
    /// without blocking on a FIFO that was swapped in after lstat (O_NONBLOCK; regular files
    /// ignore it). O_NOATIME is tried first so scanning does not touch atime; it needs the
    /// owner or CAP_FOWNER, so EPERM retries without it.
    static func openForReading(_ path: String) -> Result<Int32, Errno> {
        let flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
        while true {
            var descriptor = Glibc.open(path, flags | herdwatch_o_noatime())
            if descriptor < 0 && errno == EPERM { descriptor = Glibc.open(path, flags) }
            if descriptor >= 0 { return .success(descriptor) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// read(2) up to `buffer.count` bytes; 0 at end of file.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return .success(count) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// posix_fadvise(2) POSIX_FADV_SEQUENTIAL: a whole-file read follows, so read ahead further.
    static func adviseSequential(_ descriptor: Int32) {
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    /// readlink(2): a symlink's target bytes, decoded as UTF-8 (invalid bytes are replaced).
    static func readlink(_ path: String, size: Int) -> Result<String, Errno> {
        let capacity = max(size, 255) + 1
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            let count = Glibc.readlink(path, buffer.baseAddress!, capacity)
            guard count >= 0 else { return .failure(Errno(errno)) }
            let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: count)
            return .success(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The names in a directory, without `.` and `..` (opendir(3), readdir(3)), and how many
    /// names were left out because they are not valid UTF-8 (paths are Swift strings here).
    static func directoryNames(_ path: String) -> Result<(names: [String], undecodable: Int), Errno> {
        guard let stream = Glibc.opendir(path) else { return .failure(Errno(errno)) }
        defer { Glibc.closedir(stream) }
        var names: [String] = []
        var undecodable = 0
        errno = 0
        while let entry = Glibc.readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validating: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let name else {
                undecodable += 1
                continue
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return errno == 0 ? .success((names, undecodable)) : .failure(Errno(errno))
    }

    /// statfs(2) `f_type`: the file system's magic number (linux/magic.h).
    static func fileSystemType(_ path: String) -> Result<Int, Errno> {
        let type = herdwatch_statfs_type(path)
        return type >= 0 ? .success(type) : .failure(Errno(errno))
    }
}
