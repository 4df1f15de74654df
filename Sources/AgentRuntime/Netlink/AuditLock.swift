import Glibc

/// The machine-wide lock every Herdwatch process takes before it changes the kernel audit
/// state (rules, enabled flag, daemon pid): an exclusive flock(2) on
/// `/run/lock/herdwatch-audit.lock`, the same lock `flock /run/lock/herdwatch-audit.lock cmd`
/// takes from a shell. Released when the value is released or the process exits.
public final class AuditLock: Sendable {
    public static let defaultPath = "/run/lock/herdwatch-audit.lock"
    private let descriptor: Int32

    /// Opens (creating) the lock file and waits for the exclusive lock. Blocks the calling
    /// thread: do not call it from the cooperative pool in production code.
    /// - Throws: ``Errno`` from open(2) or flock(2).
    public init(path: String = AuditLock.defaultPath) throws(Errno) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Errno(errno) }
        while lockExclusive(fd) != 0 {
            if errno != EINTR {
                let error = Errno(errno)
                _ = Glibc.close(fd)
                throw error
            }
        }
        descriptor = fd
    }

    deinit { _ = Glibc.close(descriptor) }
}

/// flock(fd, LOCK_EX); the function shares its name with `struct flock`, so it is named
/// through its type.
private func lockExclusive(_ fd: Int32) -> Int32 {
    let call: (Int32, Int32) -> Int32 = flock
    return call(fd, LOCK_EX)
}
