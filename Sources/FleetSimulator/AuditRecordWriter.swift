/// Renders `AuditEvent`s as auditd log lines into a byte buffer.
///
/// The shapes copy what auditd 3.0.9 wrote on a 6.18 x86_64 kernel (see
/// `Tests/FleetSimulatorTests/Fixtures/captured-*.log` and `capture.sh` there): no `subj=` field (no
/// LSM), `key=(null)` when a rule has no key, BPRM_FCAPS for root execs, and no EOE records —
/// auditd does not write the kernel's end-of-event marker to its log, so a reader groups records by
/// serial. Fields that the kernel treats as untrusted strings (`comm`, `exe`, `cwd`, `name`, EXECVE
/// arguments) are quoted, or hex-encoded without quotes when they contain a double quote, a space,
/// a control character or a byte above 0x7e (`audit_string_contains_control`, kernel/audit.c).
///
/// In `enriched` mode, records with uid-bearing fields get a 0x1D byte and upper-case interpreted
/// fields (`AUID="alice" UID="root"`), as `log_format = ENRICHED` does (auditd.conf(5)).
struct AuditRecordWriter {
    private(set) var bytes: [UInt8] = []
    let enriched: Bool
    /// `dev=` of the root file system, per host.
    let device: String
    /// Mixed into inode numbers so that hosts differ.
    let inodeSalt: UInt64

    init(enriched: Bool, device: String, inodeSalt: UInt64, capacity: Int) {
        self.enriched = enriched
        self.device = device
        self.inodeSalt = inodeSalt
        bytes.reserveCapacity(capacity)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Events

    /// Writes every record of `event`. `serial` is the kernel's (or auditd's, for daemon events).
    mutating func write(_ event: AuditEvent, time: Int64, serial: Int) {
        for index in 0..<recordCount(event) {
            writeRecord(index, of: event, time: time, serial: serial)
        }
    }

    /// How many records `write` emits for `event` (used to interleave two events).
    func recordCount(_ event: AuditEvent) -> Int {
        switch event {
        case .execve(let process, _): return process.uid == 0 ? 7 : 6
        case .socketCall(_, _, let address, _): return address == nil ? 2 : 3
        case .socketCreated: return 2
        case .userMessage, .daemon: return 1
        case .login: return 3
        case .configChange(_, _, let ruleChange): return ruleChange ? 4 : 3
        }
    }

    /// Writes the `index`th record of `event`.
    mutating func writeRecord(_ index: Int, of event: AuditEvent, time: Int64, serial: Int) {
        switch event {
        case .execve(let process, let path):
            let hasCaps = process.uid == 0
            switch (index, hasCaps) {
            case (0, _): syscallRecord(process, syscall: 59, success: true, exit: 0, items: 2, key: "\"exec\"", time, serial)
            case (1, true):
                header("BPRM_FCAPS", time, serial)
                append(" fver=0 fp=0 fi=0 fe=0 old_pp=000001fffeffffff old_pi=0 old_pe=000001fffeffffff old_pa=0 pp=000001fffeffffff pi=0 pe=000001fffeffffff pa=0 frootid=0\n")
            case (1, false), (2, true): execveRecord(process.argv, time, serial)
            case (2, false), (3, true):
                header("CWD", time, serial)
                append(" cwd=")
                untrusted(process.cwd)
                newline()
            case (3, false), (4, true): pathRecord(item: 0, name: path, inodeOf: process.exe, time, serial)
            case (4, false), (5, true): pathRecord(item: 1, name: "/lib64/ld-linux-x86-64.so.2", inodeOf: "ld.so", time, serial)
            default: proctitleRecord(process.argv, time, serial)
            }
        case .socketCall(let syscall, let process, let address, let exit):
            switch (index, address) {
            case (0, _):
                syscallRecord(process, syscall: syscall, success: exit >= 0, exit: exit, items: 0, key: "\"net\"", time, serial)
            case (1, .some(let address)): sockaddrRecord(address, time, serial)
            default: proctitleRecord(process.argv, time, serial)
            }
        case .socketCreated(let process, let datagram, let ipv6):
            if index == 0 {
                syscallRecord(
                    process, syscall: 41, success: true, exit: Self.socketFD(process), items: 0, key: "\"herdwatch-socket\"", time, serial,
                    arguments: (ipv6 ? "a" : "2", datagram ? "80802" : "80801", "0"))
            } else {
                proctitleRecord(process.argv, time, serial)
            }
        case .userMessage(let type, let pid, let auid, let session, let message):
            header(type, time, serial)
            append(" pid=\(pid) uid=0 auid=\(auid) ses=\(session) msg='\(message)'")
            enrichment("UID=\"root\" AUID=\"\(UserNames.name(auid))\"")
            newline()
        case .login(let process, let newAuid, let newSession):
            switch index {
            case 0:
                header("LOGIN", time, serial)
                append(" pid=\(process.pid) uid=\(process.uid) old-auid=\(process.auid) auid=\(newAuid) tty=(none) old-ses=\(process.session) ses=\(newSession) res=1")
                enrichment("UID=\"\(UserNames.name(process.uid))\" OLD-AUID=\"\(UserNames.name(process.auid))\" AUID=\"\(UserNames.name(newAuid))\"")
                newline()
            case 1: syscallRecord(process, syscall: 1, success: true, exit: String(newAuid).utf8.count, items: 0, key: "(null)", time, serial)
            default: proctitleRecord(process.argv, time, serial)
            }
        case .configChange(let process, let fields, let ruleChange):
            switch (index, ruleChange) {
            case (0, _):
                header("CONFIG_CHANGE", time, serial)
                append(" ")
                append(fields)
                enrichment("AUID=\"\(UserNames.name(process.auid))\"")
                newline()
            case (1, _): syscallRecord(process, syscall: 44, success: true, exit: ruleChange ? 1068 : 60, items: 0, key: "(null)", time, serial)
            case (2, true): sockaddrRecord(.netlink, time, serial)
            default: proctitleRecord(process.argv, time, serial)
            }
        case .daemon(let type, let fields):
            header(type, time, serial)
            append(" ")
            append(fields)
            enrichment(type == "DAEMON_START" ? "AUID=\"unset\" UID=\"root\"" : "AUID=\"root\" UID=\"root\"")
            newline()
        }
    }

    // MARK: Records

    /// The one socket fd a simulated process uses for all its socket calls.
    static func socketFD(_ p: SimulatedProcess) -> Int { 3 + p.pid % 13 }

    private mutating func syscallRecord(
        _ p: SimulatedProcess, syscall: Int, success: Bool, exit: Int, items: Int, key: String,
        _ time: Int64, _ serial: Int, arguments: (String, String, String)? = nil
    ) {
        header("SYSCALL", time, serial)
        // Socket calls take a file descriptor first; listen's second argument is the backlog.
        let isSocketCall = [42, 43, 44, 49, 50, 288].contains(syscall)
        var a0 = isSocketCall ? String(Self.socketFD(p), radix: 16) : pointer(p.pid &* 7919 &+ syscall)
        var a1 = syscall == 50 ? "1ff" : pointer(p.pid &* 104_729 &+ serial)
        var a2 = syscall == 42 || syscall == 49 ? "10" : syscall == 50 ? "0" : pointer(p.ppid &+ serial)
        if let arguments { (a0, a1, a2) = arguments }
        append(" arch=c000003e syscall=\(syscall) success=\(success ? "yes" : "no") exit=\(exit) a0=\(a0) a1=\(a1) a2=\(a2) a3=0 items=\(items)")
        append(" ppid=\(p.ppid) pid=\(p.pid) auid=\(p.auid) uid=\(p.uid) gid=\(p.gid) euid=\(p.uid) suid=\(p.uid) fsuid=\(p.uid) egid=\(p.gid) sgid=\(p.gid) fsgid=\(p.gid) tty=\(p.tty) ses=\(p.session) comm=")
        untrusted(p.comm)
        append(" exe=")
        untrusted(p.exe)
        append(" key=")
        append(key)
        if enriched {
            let name = Self.syscallNames[syscall] ?? "unknown-syscall(\(syscall))"
            let uid = UserNames.name(p.uid)
            let gid = UserNames.name(p.gid)
            enrichment("ARCH=x86_64 SYSCALL=\(name) AUID=\"\(UserNames.name(p.auid))\" UID=\"\(uid)\" GID=\"\(gid)\" EUID=\"\(uid)\" SUID=\"\(uid)\" FSUID=\"\(uid)\" EGID=\"\(gid)\" SGID=\"\(gid)\" FSGID=\"\(gid)\"")
        }
        newline()
    }

    private static let syscallNames: [Int: String] = [
        1: "write", 41: "socket", 42: "connect", 43: "accept", 44: "sendto", 49: "bind", 50: "listen", 59: "execve", 288: "accept4",
    ]

    private mutating func execveRecord(_ argv: [String], _ time: Int64, _ serial: Int) {
        header("EXECVE", time, serial)
        append(" argc=\(argv.count)")
        for (index, argument) in argv.enumerated() {
            append(" a\(index)=")
            untrusted(argument)
        }
        newline()
    }

    private mutating func pathRecord(item: Int, name: String, inodeOf file: String, _ time: Int64, _ serial: Int) {
        header("PATH", time, serial)
        append(" item=\(item) name=")
        untrusted(name)
        append(" inode=\(inode(file)) dev=\(device) mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0")
        enrichment("OUID=\"root\" OGID=\"root\"")
        newline()
    }

    private mutating func sockaddrRecord(_ address: SocketAddress, _ time: Int64, _ serial: Int) {
        header("SOCKADDR", time, serial)
        append(" saddr=")
        switch address {
        case .inet(let ip, let port):
            hex([2, 0, UInt8(port >> 8), UInt8(port & 0xff), UInt8(ip >> 24), UInt8((ip >> 16) & 0xff), UInt8((ip >> 8) & 0xff), UInt8(ip & 0xff)] + [UInt8](repeating: 0, count: 8))
            enrichment("SADDR={ saddr_fam=inet laddr=\(SocketAddress.dotted(ip)) lport=\(port) }")
        case .inet6(let ip, let port):
            hex([10, 0, UInt8(port >> 8), UInt8(port & 0xff), 0, 0, 0, 0] + ip + [0, 0, 0, 0])
            enrichment("SADDR={ saddr_fam=inet6 laddr=\(Self.ipv6Text(ip)) lport=\(port) }")
        case .netlink:
            append("100000000000000000000000")
            enrichment("SADDR={ saddr_fam=netlink nlnk-fam=16 nlnk-pid=0 }")
        }
        newline()
    }

    /// PROCTITLE: argv joined by NUL, at most 128 bytes (`MAX_PROCTITLE_AUDIT_LEN`), quoted when
    /// it is one clean argument, hex otherwise.
    private mutating func proctitleRecord(_ argv: [String], _ time: Int64, _ serial: Int) {
        header("PROCTITLE", time, serial)
        append(" proctitle=")
        var title: [UInt8] = []
        for (index, argument) in argv.enumerated() {
            if index > 0 { title.append(0) }
            title.append(contentsOf: argument.utf8)
        }
        if title.count > 128 { title.removeLast(title.count - 128) }
        if Self.needsHex(title) {
            hex(title)
        } else {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: title)
            bytes.append(UInt8(ascii: "\""))
        }
        newline()
    }

    // MARK: Pieces

    private mutating func header(_ type: String, _ time: Int64, _ serial: Int) {
        append("type=")
        append(type)
        append(" msg=audit(")
        appendDecimal(Int(time / 1000))
        bytes.append(UInt8(ascii: "."))
        let millis = Int(time % 1000)
        if millis < 100 { bytes.append(UInt8(ascii: "0")) }
        if millis < 10 { bytes.append(UInt8(ascii: "0")) }
        appendDecimal(millis)
        bytes.append(UInt8(ascii: ":"))
        appendDecimal(serial)
        append("):")
    }

    private mutating func enrichment(_ fields: String) {
        guard enriched else { return }
        bytes.append(0x1D)
        append(fields)
    }

    private mutating func untrusted(_ value: String) {
        let utf8 = Array(value.utf8)
        if Self.needsHex(utf8) {
            hex(utf8)
        } else {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    static func needsHex(_ value: [UInt8]) -> Bool {
        value.contains { $0 == UInt8(ascii: "\"") || $0 < 0x21 || $0 > 0x7e }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private mutating func hex(_ value: [UInt8]) {
        for byte in value {
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0f)])
        }
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func appendDecimal(_ value: Int) {
        if value >= 10 { appendDecimal(value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A plausible user-space pointer for `a0…a3` (lower-case hex, as the kernel prints them).
    private func pointer(_ seed: Int) -> String {
        let value = 0x5600_0000_0000 | (UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B1 & 0xff_ffff_fff0)
        return String(value, radix: 16)
    }

    private func inode(_ file: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ inodeSalt
        for byte in file.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return 1_000 + hash % 3_000_000
    }

    static func ipv6Text(_ bytes: [UInt8]) -> String {
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16))
        }
        if groups == ["0", "0", "0", "0", "0", "0", "0", "0"] { return "::" }
        return groups.joined(separator: ":")
    }
}
