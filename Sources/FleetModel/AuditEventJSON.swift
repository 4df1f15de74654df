/// A fast, hand-written JSON encoding of ``AuditEvent`` (schema ``AuditEvent/schemaVersion``).
///
/// One object per event, keys in a fixed order, absent values left out:
/// ```
/// {"schema":1,"time":"2017-04-12T22:48:11.036Z","time_ms":1492037291036,"serial":59,"kind":"exec",
///  "records":["SYSCALL","EXECVE","CWD","PATH","PATH"],"success":true,
///  "syscall":{"arch":"x86_64","number":59,"name":"execve","exit":0,"args":[…]},
///  "process":{"pid":13393,"ppid":12041,"comm":"grep","exe":"/usr/bin/grep","argv":["grep","x"],…},
///  "user":{"uid":1000,"auid":1000,…},"paths":[{"name":"/usr/bin/grep","inode":…,"mode":"0100755",…}],
///  "socket":{"family":"inet","address":"169.254.169.254","port":80,"proto":"tcp"},"keys":["user_commands"],
///  "user_message":{"op":"login","acct":"root","res":"success",…},
///  "config":{"op":"set","setting":"audit_enabled","value":"0","old":"1"}}
/// ```
/// `config` is there for `CONFIG_CHANGE` events: `op`, `setting` (the `audit_*=` field's name),
/// `value`, `old` and `list` as the kernel wrote them (``AuditConfigChange``), and
/// `"by_agent":true` only when the agent made the change itself.
/// Strings are in ``AuditText``'s lossless form; the writer escapes `"`, `\` and control characters
/// (RFC 8259 §7). `mode` is written as an octal string as on the wire.
///
/// A writer over one growable byte buffer (it has reference semantics: don't share copies).
/// Drain it with ``withBytes(_:)`` and ``removeAll()``.
public struct AuditEventJSON {
    final class Storage {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int
        var cachedSecond: Int64 = .min
        var cachedPrefix: (UInt64, UInt64, UInt32) = (0, 0, 0)

        init(capacity: Int) {
            self.capacity = max(capacity, 64)
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }

        func grow(toHold needed: Int) {
            var newCapacity = capacity * 2
            while newCapacity < needed { newCapacity *= 2 }
            let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newBase.update(from: base, count: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }
    }

    let storage: Storage

    public init(capacity: Int = 1 << 16) {
        storage = Storage(capacity: capacity)
    }

    /// Number of bytes written and not yet drained.
    public var count: Int { storage.count }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }

    /// Calls `body` with the bytes written so far (valid only during the call).
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.base, count: storage.count))
    }

    /// Forgets the bytes written, keeping the buffer.
    public mutating func removeAll() { storage.count = 0 }

    @inline(__always) mutating func put(_ byte: UInt8) {
        let s = storage
        if s.count == s.capacity { s.grow(toHold: s.count + 1) }
        s.base[s.count] = byte
        s.count += 1
    }

    @inline(__always) mutating func put(_ p: UnsafeRawPointer, _ n: Int) {
        let s = storage
        if s.count &+ n > s.capacity { s.grow(toHold: s.count + n) }
        Self.copy(p, n, to: UnsafeMutableRawPointer(s.base + s.count))
        s.count &+= n
    }

    /// Copies `n` bytes; up to 32 by overlapping word loads and stores, inline: most of what
    /// is written is a key or a short value, too short for a memcpy call to pay.
    @inline(__always) static func copy(_ p: UnsafeRawPointer, _ n: Int, to out: UnsafeMutableRawPointer) {
        if n >= 8 && n <= 32 {
            if n > 16 {
                out.storeBytes(of: p.loadUnaligned(as: UInt64.self), as: UInt64.self)
                out.storeBytes(of: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
                let tail = n &- 16
                out.storeBytes(of: p.loadUnaligned(fromByteOffset: tail, as: UInt64.self), toByteOffset: tail, as: UInt64.self)
                out.storeBytes(of: p.loadUnaligned(fromByteOffset: tail &+ 8, as: UInt64.self), toByteOffset: tail &+ 8, as: UInt64.self)
            } else {
                out.storeBytes(of: p.loadUnaligned(as: UInt64.self), as: UInt64.self)
                out.storeBytes(of: p.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
            }
        } else if n >= 4 && n < 8 {
            out.storeBytes(of: p.loadUnaligned(as: UInt32.self), as: UInt32.self)
            out.storeBytes(of: p.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self), toByteOffset: n &- 4, as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n { out.storeBytes(of: p.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        } else {
            out.copyMemory(from: p, byteCount: n)
        }
    }

    @inline(__always) mutating func put(_ buffer: UnsafeRawBufferPointer) {
        if let b = buffer.baseAddress, buffer.count > 0 { put(b, buffer.count) }
    }

    /// Appends `event` as one JSON object and a newline.
    public mutating func write(_ event: AuditEvent) {
        raw("{\"schema\":")
        int(Int64(AuditEvent.schemaVersion))
        raw(",\"time\":\"")
        isoTime(event.timestampMilliseconds)
        raw("\",\"time_ms\":")
        int(event.timestampMilliseconds)
        raw(",\"serial\":")
        int(Int64(event.serial))
        if let node = event.node { key("node"); string(node) }
        key("kind")
        string(event.kind.rawValue)
        key("records")
        stringArray(event.recordTypes)
        if let success = event.success { key("success"); raw(success ? "true" : "false") }
        if let s = event.syscall { writeSyscall(s, withColumnFields: true) }
        writeProcess(event.process, withColumnFields: true)
        writeUser(event.user, withColumnFields: true)
        writePaths(event.paths)
        if let s = event.socket { writeSocket(s, withColumnFields: true) }
        if !event.keys.isEmpty { key("keys"); stringArray(event.keys) }
        if let m = event.userMessage { writeUserMessage(m, withColumnFields: true) }
        if let c = event.config { writeConfig(c) }
        raw("}\n")
    }

    /// Appends the object for a record that could not be parsed: `{"schema":1,"malformed":true,"reason":…,"raw":…}`.
    /// - Parameter raw: the record's bytes, written in ``AuditText``'s lossless form.
    public mutating func writeMalformed(reason: String, raw rawBytes: UnsafeRawBufferPointer) {
        raw("{\"schema\":")
        int(Int64(AuditEvent.schemaVersion))
        raw(",\"malformed\":true,\"reason\":")
        string(reason)
        raw(",\"raw\":\"")
        var text: [UInt8] = []
        text.reserveCapacity(rawBytes.count)
        AuditText.escape(rawBytes, into: &text)
        text.withUnsafeBytes { escaped($0) }
        raw("\"}\n")
    }

    /// The `syscall` object; without the fields the events table stores in columns (name, exit)
    /// for ``writeDetail(_:)``.
    mutating func writeSyscall(_ s: AuditSyscall, withColumnFields: Bool) {
        raw(",\"syscall\":{\"arch\":")
        string(s.arch)
        raw(",\"number\":")
        int(Int64(s.number))
        if withColumnFields {
            if let name = s.name { key("name"); string(name) }
            if let exit = s.exit { key("exit"); int(exit) }
        }
        raw(",\"args\":[")
        for (i, a) in s.arguments.enumerated() {
            if i > 0 { raw(",") }
            uint(a)
        }
        raw("]}")
    }

    /// The `user_message` object; without the fields stored in columns (acct, res) for
    /// ``writeDetail(_:)``.
    mutating func writeUserMessage(_ m: AuditUserMessage, withColumnFields: Bool) {
        raw(",\"user_message\":{")
        var first = true
        field(&first, "op", m.op)
        if withColumnFields { field(&first, "acct", m.acct) }
        field(&first, "exe", m.exe)
        field(&first, "addr", m.addr)
        field(&first, "hostname", m.hostname)
        field(&first, "terminal", m.terminal)
        if withColumnFields { field(&first, "res", m.result) }
        raw("}")
    }

    /// The `config` object of a `CONFIG_CHANGE` event, the same in ``write(_:)`` and
    /// ``writeDetail(_:)`` (no column holds it); `by_agent` only when true.
    mutating func writeConfig(_ c: AuditConfigChange) {
        raw(",\"config\":{")
        var first = true
        field(&first, "op", c.op)
        field(&first, "setting", c.setting)
        field(&first, "value", c.value)
        field(&first, "old", c.old)
        if let v = c.list { sep(&first); raw("\"list\":"); int(Int64(v)) }
        if c.byAgent { sep(&first); raw("\"by_agent\":true") }
        raw("}")
    }

    /// The `process` object; without the fields stored in columns (all but proctitle and tty)
    /// for ``writeDetail(_:)``.
    mutating func writeProcess(_ p: AuditProcess, withColumnFields: Bool) {
        raw(",\"process\":{")
        var first = true
        if withColumnFields {
            if let v = p.pid { sep(&first); raw("\"pid\":"); int(Int64(v)) }
            if let v = p.ppid { sep(&first); raw("\"ppid\":"); int(Int64(v)) }
            field(&first, "comm", p.comm)
            field(&first, "exe", p.exe)
            field(&first, "parent_exe", p.parentExe)
            if !p.argv.isEmpty { sep(&first); raw("\"argv\":"); stringArray(p.argv) }
            field(&first, "cwd", p.cwd)
        }
        field(&first, "proctitle", p.proctitle)
        field(&first, "tty", p.tty)
        raw("}")
    }

    /// The `user` object; without the ids stored in columns (uid, euid, auid, ses) for
    /// ``writeDetail(_:)``.
    mutating func writeUser(_ u: AuditUser, withColumnFields: Bool) {
        raw(",\"user\":{")
        var first = true
        if withColumnFields {
            number(&first, "uid", u.uid)
            number(&first, "euid", u.euid)
        }
        number(&first, "gid", u.gid)
        if withColumnFields {
            number(&first, "auid", u.auid)
            number(&first, "ses", u.ses)
        }
        field(&first, "uid_name", u.uidName)
        field(&first, "euid_name", u.euidName)
        field(&first, "gid_name", u.gidName)
        field(&first, "auid_name", u.auidName)
        raw("}")
    }

    /// The `paths` array, left out when there are none.
    mutating func writePaths(_ paths: [AuditPath]) {
        guard !paths.isEmpty else { return }
        raw(",\"paths\":[")
        paths.withUnsafeBufferPointer { paths in  // by pointer: no copy of each path
            for i in paths.indices {
                if i > 0 { raw(",") }
                writePath(paths[i])
            }
        }
        raw("]")
    }

    /// The `socket` object; without the fields stored in columns (address, port) for
    /// ``writeDetail(_:)``.
    mutating func writeSocket(_ s: AuditSocketAddress, withColumnFields: Bool) {
        raw(",\"socket\":{\"family\":")
        string(s.family)
        if withColumnFields {
            if let v = s.address { key("address"); string(v) }
            if let v = s.port { key("port"); int(Int64(v)) }
        }
        if let v = s.path { key("path"); string(v) }
        if let v = s.netlinkPid { key("netlink_pid"); int(Int64(v)) }
        if let v = s.proto { key("proto"); string(v) }
        raw("}")
    }

    mutating func writePath(_ p: AuditPath) {
        raw("{")
        var first = true
        field(&first, "name", p.name)
        field(&first, "nametype", p.nametype)
        if let v = p.inode { sep(&first); raw("\"inode\":"); uint(v) }
        if let v = p.mode {
            sep(&first)
            raw("\"mode\":\"0")
            octal(v)
            raw("\"")
        }
        number(&first, "ouid", p.ouid)
        number(&first, "ogid", p.ogid)
        raw("}")
    }
}
