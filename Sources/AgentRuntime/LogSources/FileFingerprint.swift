import Glibc

/// FNV-1a (64 bit) of a file's first bytes, at most ``coveredBytes`` of them: cheap, and
/// audit log files start with a record holding a timestamp and serial, so two files almost
/// never share their first line. Not a defence against forgery, only against inode reuse.
public enum FileFingerprint {
    /// Bytes hashed at most.
    public static let coveredBytes = 256
    /// The fingerprint of no bytes (the FNV-1a offset basis).
    public static let empty: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a 64 of `bytes`.
    public static func of(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = empty
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// How many bytes the fingerprint of a position at `offset` covers.
    static func length(at offset: Int64) -> Int { Int(min(offset, Int64(coveredBytes))) }

    /// The fingerprint of the first `length` bytes of the open file `fd` (pread(2), which
    /// leaves the read offset alone), or `nil` when it holds fewer bytes or cannot be read.
    static func read(_ fd: Int32, length: Int) -> UInt64? {
        if length == 0 { return empty }
        var bytes = [UInt8](repeating: 0, count: length)
        let count = bytes.withUnsafeMutableBytes { Syscall.read(fd, into: $0, at: 0) }
        guard case .success(length) = count else { return nil }
        return of(bytes)
    }

    /// ``read(_:length:)`` for the file at `path`.
    static func read(path: String, length: Int) -> UInt64? {
        guard case .success(let fd) = Syscall.open(path, flags: O_RDONLY) else { return nil }
        defer { Syscall.close(fd) }
        return read(fd, length: length)
    }
}
