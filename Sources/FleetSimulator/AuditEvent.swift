/// A process as audit records describe it (the SYSCALL record's credential and identity fields).
struct SimulatedProcess: Sendable {
    var pid: Int
    var ppid: Int
    var uid: Int
    var gid: Int
    /// Login uid; `unsetID` for daemons started by systemd.
    var auid: Int = unsetID
    var session: Int = unsetID
    var tty: String = "(none)"
    /// `comm`: the first 15 bytes of the executed file's base name (`TASK_COMM_LEN` − 1).
    var comm: String
    /// `exe`: the resolved executable (`/usr/bin/dash` when `/bin/sh` was executed).
    var exe: String
    var argv: [String]
    var cwd: String = "/"
}

/// The kernel's "unset" login uid and session id, `(uint32)-1` (include/linux/audit.h).
let unsetID = 4_294_967_295

/// An IPv4 or IPv6 socket address, rendered as the kernel's `struct sockaddr_in`/`sockaddr_in6`
/// bytes in a SOCKADDR record (family in host byte order, little-endian here; port and address
/// in network byte order).
enum SocketAddress: Sendable, Equatable {
    case inet(UInt32, port: Int)
    case inet6([UInt8], port: Int)
    case netlink

    /// Dotted-quad IPv4 text.
    static func dotted(_ address: UInt32) -> String {
        "\(address >> 24).\((address >> 16) & 0xff).\((address >> 8) & 0xff).\(address & 0xff)"
    }

    /// Parses `a.b.c.d` (simulator constants only; not for untrusted input).
    static func ipv4(_ text: String) -> UInt32 {
        text.split(separator: ".").reduce(UInt32(0)) { $0 << 8 | UInt32($1)! }
    }
}

/// What happened, before it has a timestamp and serial. Each case renders as one audit event:
/// a group of records sharing `msg=audit(SECONDS.MILLIS:SERIAL)`.
enum AuditEvent: Sendable {
    /// execve(2): SYSCALL, BPRM_FCAPS (root only), EXECVE, CWD, PATH ×2, PROCTITLE.
    case execve(SimulatedProcess, path: String)
    /// connect (42), bind (49), listen (50), accept4 (288): SYSCALL, SOCKADDR (when an address
    /// is passed), PROCTITLE.
    case socketCall(syscall: Int, SimulatedProcess, address: SocketAddress?, exit: Int)
    /// socket(2) (41) of an AF_INET or AF_INET6 socket, stream or datagram, returning the fd the process's
    /// socket calls use: SYSCALL, PROCTITLE. Lets the agent tell UDP from TCP (ops/audit.rules
    /// `herdwatch-socket`).
    case socketCreated(SimulatedProcess, datagram: Bool, ipv6: Bool = false)
    /// A PAM or sshd user-space message (`USER_AUTH`, `USER_LOGIN`…): one record whose `msg='…'`
    /// holds the sender's fields.
    case userMessage(type: String, pid: Int, auid: Int, session: Int, message: String)
    /// Setting the login uid (pam_loginuid): LOGIN, SYSCALL (write), PROCTITLE.
    case login(SimulatedProcess, newAuid: Int, newSession: Int)
    /// An audit configuration change made through auditctl: CONFIG_CHANGE, SYSCALL (sendto),
    /// SOCKADDR (netlink, for rule changes), PROCTITLE.
    case configChange(SimulatedProcess, fields: String, ruleChange: Bool)
    /// auditd's own DAEMON_START / DAEMON_END; these carry auditd's serial, not the kernel's.
    case daemon(type: String, fields: String)
}

/// An event placed in time. `order` breaks ties so that sorting is stable and deterministic.
struct TimedEvent: Sendable {
    var time: Int64
    var order: Int
    var event: AuditEvent
}
