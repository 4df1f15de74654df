import FileIntegrity
import Glibc

/// Keeps the FIM state in `fim.state` in the agent's state directory.
///
/// Saving writes a temporary file beside it, fsync(2)s it, rename(2)s it over the old one and
/// fsyncs the directory, so a crash or power loss leaves either the old or the new state,
/// never half of one (a half-written state would report every file as created or deleted).
public struct FIMStateStore: Sendable {
    public let directory: String
    public var path: String { directory + "/fim.state" }

    public init(directory: String) {
        self.directory = directory
    }

    /// - Returns: the stored state, or nil when there is none yet (first run).
    /// - Throws: ``FIMError`` when the directory or file cannot be read, ``StateFileError`` when it is damaged.
    public func load() throws -> FileIntegrityState? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw FIMError(.stateUnreadable, path: path, cause: Errno(errno))
        }
        defer { Glibc.close(descriptor) }
        var bytes: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            switch FileSystemCalls.read(descriptor, into: buffer) {
            case .success(0): return try StateFileCodec.decode(bytes)
            case .success(let count): bytes += buffer[..<count]
            case .failure(let error): throw FIMError(.stateUnreadable, path: path, cause: error)
            }
        }
    }

    /// Replaces the stored state atomically.
    /// - Throws: ``FIMError`` with code `.stateUnwritable`.
    public func save(_ state: FileIntegrityState) throws {
        let temporary = path + ".tmp"
        let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FIMError(.stateUnwritable, path: temporary, cause: Errno(errno)) }
        var closed = false
        defer { if !closed { Glibc.close(descriptor) } }
        try StateFileCodec.encode(state) { chunk in
            try chunk.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { throw FIMError(.stateUnwritable, path: temporary, cause: Errno(errno)) }
                    offset += written
                }
            }
        }
        guard fsync(descriptor) == 0 else { throw FIMError(.stateUnwritable, path: temporary, cause: Errno(errno)) }
        closed = true
        guard Glibc.close(descriptor) == 0 else { throw FIMError(.stateUnwritable, path: temporary, cause: Errno(errno)) }
        guard rename(temporary, path) == 0 else { throw FIMError(.stateUnwritable, path: path, cause: Errno(errno)) }
        let directoryDescriptor = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            Glibc.close(directoryDescriptor)
        }
    }
}
