import Glibc

/// An open spool file: one thin function per system call, each returning its result or throwing
/// the `Errno` (open(2), pread(2), pwrite(2), fdatasync(2), ftruncate(2), close(2)). `EINTR`
/// is retried and short reads and writes are continued here; ``DiskSpool`` gives the errors
/// meaning. Owned by one ``DiskSpool``, which closes it.
struct SpoolFile {
    let descriptor: Int32

    /// open(2) `path` for reading and writing, created with mode 0600 when `create` is set.
    static func open(_ path: String, create: Bool) throws(Errno) -> SpoolFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o600)
        guard fd >= 0 else { throw Errno(errno) }
        return SpoolFile(descriptor: fd)
    }

    /// The file's size, from fstat(2).
    func size() throws(Errno) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Errno(errno) }
        return Int(status.st_size)
    }

    /// pread(2) up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(count: Int, at offset: Int) throws(Errno) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw Errno(errno)
            }
            if result == 0 { break }
            done += result
        }
        bytes.removeLast(count - done)
        return bytes
    }

    /// pwrite(2) all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: Int) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress! + done, bytes.count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw Errno(errno)
            }
            done += result
        }
    }

    /// fdatasync(2): the data (and the size) reach the disk.
    func sync() throws(Errno) {
        while fdatasync(descriptor) != 0 {
            if errno != EINTR { throw Errno(errno) }
        }
    }

    /// ftruncate(2) to `size` bytes.
    func truncate(to size: Int) throws(Errno) {
        while ftruncate(descriptor, off_t(size)) != 0 {
            if errno != EINTR { throw Errno(errno) }
        }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// Directory operations of the spool: mkdir(2), readdir(3), unlink(2), rename(2), and fsync(2)
/// of the directory so that created, renamed and removed names survive a power loss.
enum SpoolDirectory {
    /// mkdir(2) with mode 0700; an existing directory is fine.
    static func create(_ path: String) throws(Errno) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw Errno(errno) }
    }

    /// The names in `path`, without "." and "..".
    static func names(_ path: String) throws(Errno) -> [String] {
        guard let directory = opendir(path) else { throw Errno(errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// unlink(2); a name already gone is fine.
    static func remove(_ path: String) throws(Errno) {
        if unlink(path) != 0 && errno != ENOENT { throw Errno(errno) }
    }

    static func rename(_ from: String, to: String) throws(Errno) {
        if Glibc.rename(from, to) != 0 { throw Errno(errno) }
    }

    /// fsync(2) of the directory itself.
    static func sync(_ path: String) throws(Errno) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Errno(errno) }
        defer { _ = Glibc.close(fd) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw Errno(errno) }
        }
    }
}
