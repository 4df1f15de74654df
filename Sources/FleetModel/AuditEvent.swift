/// One normalized Linux audit event: every record the kernel (or a user-space program through
/// the kernel) logged under one serial, reduced to the facts Herdwatch stores, learns from and
/// shows as evidence.
///
/// This is the shared, versioned schema: `herdwatch-agent parse` prints it, the agent stores it,
/// findings carry it as evidence. Bump ``AuditEvent/schemaVersion`` on any change to the JSON
/// shape written by ``AuditEventJSON``.
///
/// Strings that come from a host are attacker-controlled data. They are kept in the *lossless
/// text form* described at ``AuditText``: valid UTF-8 as is, `%` as `%25`, and every byte that is
/// not part of valid UTF-8 as `%XX`.
public struct AuditEvent: Sendable, Hashable {
    /// Version of the event schema and of its JSON encoding.
    public static let schemaVersion = 1

    /// Event time: milliseconds since the Unix epoch, from the `audit(SECONDS.MILLIS:SERIAL)` stamp.
    public var timestampMilliseconds: Int64
    /// The kernel's per-boot event serial (unsigned 32 bits, wraps).
    public var serial: UInt32
    /// `node=` name of the host that wrote the record, when the log carries one.
    public var node: String?
    /// What learning treats this event as.
    public var kind: AuditEventKind
    /// Record type names in arrival order, one per record (`SYSCALL`, `EXECVE`, `UNKNOWN[1999]`…).
    public var recordTypes: [String]
    /// The system call, for events with a SYSCALL record.
    public var syscall: AuditSyscall?
    /// The process that caused the event.
    public var process: AuditProcess
    /// Its identities.
    public var user: AuditUser
    /// PATH records, in record order.
    public var paths: [AuditPath]
    /// The decoded SOCKADDR, or for `listen` the address of the earlier `bind` on the same fd.
    public var socket: AuditSocketAddress?
    /// Rule keys (`-k`), split on the kernel's 0x01 separator.
    public var keys: [String]
    /// The fields of a user-space message (`msg='op=… acct=… res=…'`).
    public var userMessage: AuditUserMessage?
    /// What a kernel `CONFIG_CHANGE` record changed: a rule added or removed, a setting set.
    public var config: AuditConfigChange?
    /// Overall outcome: SYSCALL `success=`, user-space `res=`, CONFIG_CHANGE `res=`; nil when unknown.
    public var success: Bool?

    public init(
        timestampMilliseconds: Int64, serial: UInt32, node: String? = nil, kind: AuditEventKind = .other,
        recordTypes: [String] = [], syscall: AuditSyscall? = nil, process: AuditProcess = AuditProcess(),
        user: AuditUser = AuditUser(), paths: [AuditPath] = [], socket: AuditSocketAddress? = nil,
        keys: [String] = [], userMessage: AuditUserMessage? = nil, config: AuditConfigChange? = nil, success: Bool? = nil
    ) {
        self.timestampMilliseconds = timestampMilliseconds
        self.serial = serial
        self.node = node
        self.kind = kind
        self.recordTypes = recordTypes
        self.syscall = syscall
        self.process = process
        self.user = user
        self.paths = paths
        self.socket = socket
        self.keys = keys
        self.userMessage = userMessage
        self.config = config
        self.success = success
    }
}

/// What learning treats an event as (the term kinds of DESIGN.md, plus what detection watches).
public enum AuditEventKind: String, Sendable, Hashable, CaseIterable {
    /// A successful or failed `execve`/`execveat`.
    case exec
    case connect
    case bind
    case listen
    /// `accept`/`accept4`.
    case accept
    /// An event from a `-w` watch or another key-bearing rule that names paths.
    case file
    /// `USER_LOGIN`, `USER_LOGOUT`, `LOGIN`.
    case login
    /// PAM authentication and account checks: `USER_AUTH`, `USER_ACCT`, `USER_CHAUTHTOK`, `CRED_*`, `USER_ERR`…
    case authentication
    /// Audit configuration: `CONFIG_CHANGE`, `DAEMON_*`.
    case auditConfig = "audit_config"
    /// Everything else, kept as a generic event.
    case other
}

/// The system call of a SYSCALL record (`man 8 auditctl`, kernel `audit_log_exit`).
public struct AuditSyscall: Sendable, Hashable {
    /// `x86_64`, `aarch64`, …, or the raw `arch=` value when unknown.
    public var arch: String
    public var number: Int
    /// Name from the arch's table, nil when the number is not in it.
    public var name: String?
    /// `exit=`: return value, or negative errno.
    public var exit: Int64?
    /// `a0`…`a3`, the first four arguments (hexadecimal on the wire).
    public var arguments: [UInt64]

    public init(arch: String, number: Int, name: String?, exit: Int64?, arguments: [UInt64]) {
        self.arch = arch
        self.number = number
        self.name = name
        self.exit = exit
        self.arguments = arguments
    }
}

/// The process behind an event.
public struct AuditProcess: Sendable, Hashable {
    public var pid: Int32?
    public var ppid: Int32?
    public var comm: String?
    public var exe: String?
    /// Executable of the parent, from the agent's pid → exe lineage table (nil when unknown).
    public var parentExe: String?
    /// From EXECVE records, in order, joined across records and `aN[i]` chunks.
    public var argv: [String]
    public var cwd: String?
    /// PROCTITLE, hex decoded, NUL separators written as spaces.
    public var proctitle: String?
    /// `tty=`; nil for `(none)`.
    public var tty: String?

    public init(
        pid: Int32? = nil, ppid: Int32? = nil, comm: String? = nil, exe: String? = nil, parentExe: String? = nil,
        argv: [String] = [], cwd: String? = nil, proctitle: String? = nil, tty: String? = nil
    ) {
        self.pid = pid
        self.ppid = ppid
        self.comm = comm
        self.exe = exe
        self.parentExe = parentExe
        self.argv = argv
        self.cwd = cwd
        self.proctitle = proctitle
        self.tty = tty
    }
}

/// Identities, as the kernel logs them. 4294967295 (`(uid_t)-1`) means "unset" for auid and ses.
public struct AuditUser: Sendable, Hashable {
    public var uid: UInt32?
    public var euid: UInt32?
    public var gid: UInt32?
    public var auid: UInt32?
    public var ses: UInt32?
    /// Names from auditd's ENRICHED fields (`UID=`, `EUID=`, `GID=`, `AUID=`); the agent may fill them live.
    public var uidName: String?
    public var euidName: String?
    public var gidName: String?
    public var auidName: String?

    public init(
        uid: UInt32? = nil, euid: UInt32? = nil, gid: UInt32? = nil, auid: UInt32? = nil, ses: UInt32? = nil,
        uidName: String? = nil, euidName: String? = nil, gidName: String? = nil, auidName: String? = nil
    ) {
        self.uid = uid
        self.euid = euid
        self.gid = gid
        self.auid = auid
        self.ses = ses
        self.uidName = uidName
        self.euidName = euidName
        self.gidName = gidName
        self.auidName = auidName
    }
}

/// One PATH record (kernel `audit_log_name`).
public struct AuditPath: Sendable, Hashable {
    public var name: String?
    /// `NORMAL`, `PARENT`, `CREATE`, `DELETE`, `UNKNOWN`.
    public var nametype: String?
    public var inode: UInt64?
    /// `mode=`: file type and permission bits (octal on the wire).
    public var mode: UInt32?
    public var ouid: UInt32?
    public var ogid: UInt32?

    public init(
        name: String? = nil, nametype: String? = nil, inode: UInt64? = nil, mode: UInt32? = nil,
        ouid: UInt32? = nil, ogid: UInt32? = nil
    ) {
        self.name = name
        self.nametype = nametype
        self.inode = inode
        self.mode = mode
        self.ouid = ouid
        self.ogid = ogid
    }
}

/// A decoded `struct sockaddr` from a SOCKADDR record (`man 7 ip`, `ipv6`, `unix`, `netlink`).
public struct AuditSocketAddress: Sendable, Hashable {
    /// `inet`, `inet6`, `unix`, `netlink`, `unspec`, or `family=N`.
    public var family: String
    /// Dotted IPv4 or RFC 5952 IPv6 text.
    public var address: String?
    public var port: UInt16?
    /// AF_UNIX path; an abstract name starts with `@`.
    public var path: String?
    /// AF_NETLINK port id (`nl_pid`).
    public var netlinkPid: UInt32?
    /// Transport of an `inet`/`inet6` socket, `tcp` or `udp`, nil when unknown.
    ///
    /// SOCKADDR does not say it: the agent learns it from the audited `socket(2)` call that
    /// created the fd (AuditCore `SocketTypes`), or from `/proc/net/{tcp,udp}` for a listening
    /// snapshot. Nil when that call was not seen (the process started before the agent, the fd
    /// was inherited across fork, or the rule is not loaded); learning then treats it as `tcp`.
    public var proto: String?

    public init(
        family: String, address: String? = nil, port: UInt16? = nil, path: String? = nil, netlinkPid: UInt32? = nil,
        proto: String? = nil
    ) {
        self.family = family
        self.address = address
        self.port = port
        self.path = path
        self.netlinkPid = netlinkPid
        self.proto = proto
    }
}

/// Fields of a user-space message (libaudit `audit_log_acct_message`, `audit_log_user_message`).
public struct AuditUserMessage: Sendable, Hashable {
    public var op: String?
    public var acct: String?
    public var exe: String?
    public var addr: String?
    public var hostname: String?
    public var terminal: String?
    /// `res=`: `success` or `failed` as written.
    public var result: String?

    public init(
        op: String? = nil, acct: String? = nil, exe: String? = nil, addr: String? = nil, hostname: String? = nil,
        terminal: String? = nil, result: String? = nil
    ) {
        self.op = op
        self.acct = acct
        self.exe = exe
        self.addr = addr
        self.hostname = hostname
        self.terminal = terminal
        self.result = result
    }
}
