import Crypto
import Glibc

/// SHA-256 of regular files, streamed through one fixed buffer so memory stays flat whatever
/// the file size.
///
/// Not Sendable: one hasher belongs to one scanning thread and reuses its buffer for every file.
final class FileHasher {
    /// read(2) size: large reads keep the syscall count low; 1 MiB matches coreutils' order of magnitude.
    static let bufferSize = 1 << 20
    private let buffer: UnsafeMutableRawBufferPointer
    /// Called after every read with the byte count, so a rescan can be held to its MB/s budget.
    var bytesRead: ((Int) -> Void)?

    init() {
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 4096)
    }

    deinit {
        buffer.deallocate()
    }

    /// What hashing a path gave.
    enum Outcome: Equatable {
        case hashed(String)
        /// Between lstat and open the path became another file (another inode or type):
        /// it is being replaced, and the next event or scan will see the new one.
        case replaced
        case failed(Errno)
    }

    /// Hashes the regular file at `path`, checking that it is still the inode lstat saw.
    /// - Parameters:
    ///   - path: an absolute path.
    ///   - inode: the inode from the lstat(2) that classified it as a regular file.
    func hash(path: String, inode: UInt64) -> Outcome {
        let descriptor: Int32
        switch FileSystemCalls.openForReading(path) {
        case .success(let opened): descriptor = opened
        case .failure(let error) where error.rawValue == ELOOP || error.rawValue == ENOENT: return .replaced
        case .failure(let error): return .failed(error)
        }
        defer { FileSystemCalls.close(descriptor) }
        guard case .success(let info) = FileSystemCalls.fstat(descriptor),
              info.st_mode & S_IFMT == S_IFREG, UInt64(info.st_ino) == inode
        else { return .replaced }
        FileSystemCalls.adviseSequential(descriptor)
        var digest = SHA256()
        while true {
            switch FileSystemCalls.read(descriptor, into: buffer) {
            case .success(0):
                return .hashed(Self.hex(digest.finalize()))
            case .success(let count):
                digest.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                bytesRead?(count)
            case .failure(let error):
                return .failed(error)
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ digest: SHA256.Digest) -> String {
        String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { output in
            var index = 0
            for byte in digest {
                output[index] = hexDigits[Int(byte >> 4)]
                output[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }
}
