import FleetModel
import Glibc
import LibPQ

extension IngestRow {
    /// The stored form of a normalized audit event: the typed columns learning and detection
    /// read, and everything else as compact JSON (`AuditEventJSON.writeDetail`).
    ///
    /// - Parameters:
    ///   - bootID: the boot the event happened in, when the source knows it (live capture);
    ///     replayed logs have none. Part of the unique event key.
    ///   - json: a scratch writer reused across events to build the detail text.
    public init(_ event: AuditEvent, bootID: String?, json: inout AuditEventJSON) {
        self.init(
            eventTime: PostgresTimestamp(microsecondsSinceEpoch: event.timestampMilliseconds * 1000),
            serial: Int64(event.serial), kind: event.kind.rawValue)
        self.bootID = bootID
        let process = event.process
        let user = event.user
        syscall = event.syscall?.name
        success = event.success
        exitCode = event.syscall?.exit
        pid = process.pid
        ppid = process.ppid
        uid = user.uid.map(Int64.init)
        euid = user.euid.map(Int64.init)
        // 4294967295 ((uint32)-1) is the kernel's "unset" for the login uid and session.
        auid = user.auid.flatMap { $0 == UInt32.max ? nil : Int64($0) }
        sessionID = user.ses.flatMap { $0 == UInt32.max ? nil : Int64($0) }
        exe = process.exe ?? event.userMessage?.exe
        parentExe = process.parentExe
        comm = process.comm
        argv = process.argv.isEmpty ? nil : process.argv
        cwd = process.cwd
        // The destination of a socket call, or a user message's source address; only a
        // well-formed address may reach the inet column, or the whole batch would fail.
        address = [event.socket?.address, event.userMessage?.addr].lazy.compactMap { $0 }.first(where: Self.isIPAddress)
        port = event.socket?.port.map(Int32.init)
        path = event.socket?.path ?? (event.paths.first { $0.nametype != "PARENT" } ?? event.paths.first)?.name
        ruleKey = event.keys.first
        account = event.userMessage?.acct
        result = event.userMessage?.result
        json.removeAll()
        json.writeDetail(event)
        detail = json.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `text` is an IPv4 or IPv6 address that `inet` accepts (`inet_pton(3)`).
    static func isIPAddress(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }

    /// Appends the row in COPY text form, in the column order `EventIngest` copies.
    ///
    /// Writes each typed value straight into `buffer` (no `String` per number or timestamp);
    /// the bytes equal `CopyText.appendRow(fields, …)` but for the timestamp's form
    /// (`2026-11-21 19:04:02.123456+00` here, RFC 3339 there: the same `timestamptz`).
    public func appendCopyText(to buffer: inout [UInt8]) {
        let tab = UInt8(ascii: "\t")
        func text(_ value: String?) {
            if let value { CopyText.appendEscaped(value, to: &buffer) } else { CopyText.appendNull(to: &buffer) }
            buffer.append(tab)
        }
        func integer(_ value: (some BinaryInteger)?) {
            if let value { CopyText.appendInteger(value, to: &buffer) } else { CopyText.appendNull(to: &buffer) }
            buffer.append(tab)
        }
        text(bootID)
        CopyText.appendTimestamp(microseconds: eventTime.microsecondsSinceEpoch, to: &buffer)
        buffer.append(tab)
        integer(serial)
        text(kind)
        text(syscall)
        if let success { buffer.append(success ? UInt8(ascii: "t") : UInt8(ascii: "f")) } else { CopyText.appendNull(to: &buffer) }
        buffer.append(tab)
        integer(exitCode)
        integer(pid)
        integer(ppid)
        integer(uid)
        integer(euid)
        integer(auid)
        integer(sessionID)
        text(exe)
        text(parentExe)
        text(comm)
        if let argv { CopyText.appendArray(argv, to: &buffer) } else { CopyText.appendNull(to: &buffer) }
        buffer.append(tab)
        text(cwd)
        text(address)
        integer(port)
        text(path)
        text(ruleKey)
        text(account)
        text(result)
        if let detail { CopyText.appendEscaped(detail, to: &buffer) } else { CopyText.appendNull(to: &buffer) }
        buffer.append(UInt8(ascii: "\n"))
    }
}
