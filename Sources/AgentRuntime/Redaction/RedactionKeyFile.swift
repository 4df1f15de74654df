import Glibc

/// The agent's redaction key: 32 random bytes in `STATE_DIRECTORY/redaction.key`, mode 0600.
///
/// The key makes redaction markers (`[REDACTED:1a2b3c4d]`, HMAC-SHA256 of the secret) useless
/// for a dictionary attack by whoever reads the events: they would need this file, which never
/// leaves the host. It is made once and kept, so markers stay comparable across restarts.
/// Losing it only means later markers differ from earlier ones.
public enum RedactionKeyFile {
    public static let fileName = "redaction.key"
    public static let byteCount = 32

    /// Reads the key in `stateDirectory`, making it first if there is none.
    ///
    /// Creation is atomic and race-free: the bytes go to a temporary file (O_EXCL, 0600,
    /// fsync(2)), which is then link(2)ed to the final name; if another agent won the race,
    /// its key is read instead. A file of the wrong size is an error, not replaced, because
    /// replacing it would silently change every marker.
    /// - Throws: ``RedactionKeyError``.
    public static func loadOrCreate(stateDirectory: String) throws(RedactionKeyError) -> [UInt8] {
        let path = "\(stateDirectory)/\(fileName)"
        switch read(path) {
        case .success(let key): return key
        case .failure(let error) where error.code == .unreadable && error.cause == Errno(ENOENT): break
        case .failure(let error): throw error
        }
        var generator = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure on Linux.
        let key = (0..<byteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let temporary = "\(path).\(getpid()).tmp"
        let fd: Int32
        switch Syscall.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600) {
        case .success(let opened): fd = opened
        case .failure(let errno): throw RedactionKeyError(code: .notWritten, path: temporary, cause: errno)
        }
        defer { unlink(temporary) }
        let written = Syscall.write(fd, key).flatMap { _ in Syscall.fsync(fd) }
        _ = fchmod(fd, 0o600)
        Syscall.close(fd)
        if case .failure(let errno) = written { throw RedactionKeyError(code: .notWritten, path: temporary, cause: errno) }
        if link(temporary, path) != 0 {
            let cause = Errno(errno)
            guard cause.rawValue == EEXIST else { throw RedactionKeyError(code: .notWritten, path: path, cause: cause) }
            return try read(path).get()
        }
        return key
    }

    private static func read(_ path: String) -> Result<[UInt8], RedactionKeyError> {
        switch Syscall.readWholeFile(path, limit: byteCount + 1) {
        case .failure(let errno): return .failure(RedactionKeyError(code: .unreadable, path: path, cause: errno))
        case .success(let bytes) where bytes.count != byteCount:
            return .failure(RedactionKeyError(code: .wrongSize, path: path, cause: nil))
        case .success(let bytes): return .success(bytes)
        }
    }
}

/// Why the redaction key could not be read or made. `description` names the file, never the key.
public struct RedactionKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String { case unreadable, wrongSize = "wrong size", notWritten = "not written" }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The key file exists but cannot be read (or does not exist: `cause` is ENOENT).
        public static let unreadable = Code(.unreadable)
        /// The key file does not hold exactly 32 bytes.
        public static let wrongSize = Code(.wrongSize)
        /// A new key could not be written.
        public static let notWritten = Code(.notWritten)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var path: String
    public var cause: Errno?

    public var description: String {
        "redaction key \(code): \(path)" + (cause.map { ": \($0)" } ?? "")
    }
}
