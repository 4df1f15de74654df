import Glibc

extension Syscall {
    /// readlink(2): the target of a symbolic link, such as `/proc/[pid]/exe` or
    /// `/proc/[pid]/fd/N` (`socket:[INODE]`, proc(5)). Targets longer than `PATH_MAX` are cut.
    static func readLink(_ path: String) -> Result<[UInt8], Errno> {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX))
        let count = buffer.withUnsafeMutableBytes { Glibc.readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        guard count >= 0 else { return .failure(Errno(errno)) }
        return .success(Array(buffer[..<count]))
    }

    /// The whole content of a file read until end of file: proc(5) files report size 0, so
    /// `st_size` cannot be trusted. Stops at `limit` bytes.
    static func readWholeFile(_ path: String, limit: Int = 64 << 20) -> Result<[UInt8], Errno> {
        let fd: Int32
        switch open(path, flags: O_RDONLY) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failure(error)
        }
        defer { close(fd) }
        var content: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while content.count < limit {
            switch chunk.withUnsafeMutableBytes({ read(fd, into: $0) }) {
            case .success(0): return .success(content)
            case .success(let count): content += chunk[..<count]
            case .failure(let error): return .failure(error)
            }
        }
        return .success(content)
    }
}
