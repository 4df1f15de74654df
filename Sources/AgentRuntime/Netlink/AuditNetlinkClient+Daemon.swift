import CLinuxAudit
import Glibc

/// Registering as the audit daemon: the kernel then sends every record to this socket
/// (unicast) instead of printk (kernel/audit.c `auditd_set`; AUDIT_SET with AUDIT_STATUS_PID).
extension AuditNetlinkClient {
    /// Registers this process as the audit daemon, only when none is registered.
    ///
    /// The kernel sends records to the port id of the socket that sent the request, so read
    /// them from this client's socket (``NetlinkAuditSource`` does). Hand the pid back with
    /// ``unregisterAsDaemon()`` when done; the kernel also drops the registration when the
    /// socket closes and a send to it fails.
    /// - Throws: ``AuditNetlinkError`` `.daemonRegistered` naming the other daemon's pid when
    ///   one is registered (status pid not 0), or the kernel's refusal.
    public func registerAsDaemon() throws(AuditNetlinkError) {
        let current = try status()
        let ownPID = UInt32(getpid())
        if current.pid != 0 && current.pid != ownPID {
            throw AuditNetlinkError(.daemonRegistered, operation: "AUDIT_SET pid", daemonPID: current.pid)
        }
        do {
            try set(AuditStatusChange(pid: ownPID))
        } catch where error.code == .rejected && error.cause?.rawValue == EEXIST {
            throw AuditNetlinkError(.daemonRegistered, operation: "AUDIT_SET pid", daemonPID: (try? status())?.pid)
        }
    }

    /// Hands the daemon role back (status pid 0). Only the registered process may do this.
    public func unregisterAsDaemon() throws(AuditNetlinkError) {
        try set(AuditStatusChange(pid: 0))
    }
}
