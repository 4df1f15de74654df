/// A failure talking to the kernel audit subsystem over netlink.
///
/// `description` says what failed in a sentence an operator can act on; `debugDescription`
/// adds the request and the errno.
public struct AuditNetlinkError: Error, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unavailable, sendFailed, receiveFailed, timedOut, rejected, malformedReply, daemonRegistered
        }
        private let base: Base
        /// The NETLINK_AUDIT socket cannot be opened or bound (no kernel audit, no permission,
        /// inside a container without CAP_AUDIT_*).
        public static let unavailable = Code(base: .unavailable)
        public static let sendFailed = Code(base: .sendFailed)
        public static let receiveFailed = Code(base: .receiveFailed)
        /// The kernel did not answer within the request timeout.
        public static let timedOut = Code(base: .timedOut)
        /// The kernel answered NLMSG_ERROR with a negative errno (EPERM, EEXIST, ENOENT…).
        public static let rejected = Code(base: .rejected)
        public static let malformedReply = Code(base: .malformedReply)
        /// Another process is registered as the audit daemon (see ``AuditNetlinkError/daemonPID``).
        public static let daemonRegistered = Code(base: .daemonRegistered)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// The system call or kernel errno behind the failure.
    public var cause: Errno?
    /// The request, such as "AUDIT_SET" or "bind".
    public var operation: String
    /// For `.daemonRegistered`: the registered daemon's pid.
    public var daemonPID: UInt32?

    public init(_ code: Code, operation: String, cause: Errno? = nil, daemonPID: UInt32? = nil) {
        self.code = code
        self.operation = operation
        self.cause = cause
        self.daemonPID = daemonPID
    }

    public var description: String {
        switch code {
        case .daemonRegistered:
            "another audit daemon is registered (pid \(daemonPID ?? 0)); read beside it with multicast mode instead"
        case .unavailable: "the kernel audit netlink socket is unavailable (\(operation)\(cause.map { ": \($0)" } ?? ""))"
        case .rejected: "the kernel rejected \(operation)\(cause.map { ": \($0)" } ?? "")"
        case .timedOut: "the kernel did not answer \(operation) in time"
        default: "audit netlink \(code) during \(operation)\(cause.map { ": \($0)" } ?? "")"
        }
    }

    public var debugDescription: String {
        "AuditNetlinkError(\(code), operation: \(operation), cause: \(cause.map { "\($0)" } ?? "nil"), daemonPID: \(daemonPID.map { "\($0)" } ?? "nil"))"
    }
}
