/// A fast, hand-written JSON encoding of ``AuditEvent`` (schema ``AuditEvent/schemaVersion``).
///
/// One object per event, keys in a fixed order, absent values left out:
/// ```
/// {"schema":1,"time":"2017-04-12T22:48:11.036Z","time_ms":1492037291036,"serial":59,"kind":"exec",
///  "records":["SYSCALL","EXECVE","CWD","PATH","PATH"],"success":true,
///  "syscall":{"arch":"x86_64","number":59,"name":"execve","exit":0,"args":[…]},
///  "process":{"pid":13393,"ppid":12041,"comm":"grep","exe":"/usr/bin/grep","argv":["grep","x"],…},
///  "user":{"uid":1000,"auid":1000,…},"paths":[{"name":"/usr/bin/grep","inode":…,"mode":"0100755",…}],
///  "socket":{"family":"inet","address":"169.254.169.254","port":80},"keys":["user_commands"],
///  "user_message":{"op":"login","acct":"root","res":"success",…}}
/// ```
/// Strings are in ``AuditText``'s lossless form; the writer escapes `"`, `\` and control characters
/// (RFC 8259 §7). `mode` is written as an octal string as on the wire.
public struct AuditEventJSON {
    /// The bytes written so far; callers drain it (`removeAll(keepingCapacity: true)`).
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
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
        if let s = event.syscall {
            raw(",\"syscall\":{\"arch\":")
            string(s.arch)
            raw(",\"number\":")
            int(Int64(s.number))
            if let name = s.name { key("name"); string(name) }
            if let exit = s.exit { key("exit"); int(exit) }
            raw(",\"args\":[")
            for (i, a) in s.arguments.enumerated() {
                if i > 0 { raw(",") }
                uint(a)
            }
            raw("]}")
        }
        writeProcess(event.process)
        writeUser(event.user)
        if !event.paths.isEmpty {
            raw(",\"paths\":[")
            for (i, p) in event.paths.enumerated() {
                if i > 0 { raw(",") }
                writePath(p)
            }
            raw("]")
        }
        if let s = event.socket {
            raw(",\"socket\":{\"family\":")
            string(s.family)
            if let v = s.address { key("address"); string(v) }
            if let v = s.port { key("port"); int(Int64(v)) }
            if let v = s.path { key("path"); string(v) }
            if let v = s.netlinkPid { key("netlink_pid"); int(Int64(v)) }
            raw("}")
        }
        if !event.keys.isEmpty { key("keys"); stringArray(event.keys) }
        if let m = event.userMessage {
            raw(",\"user_message\":{")
            var first = true
            field(&first, "op", m.op)
            field(&first, "acct", m.acct)
            field(&first, "exe", m.exe)
            field(&first, "addr", m.addr)
            field(&first, "hostname", m.hostname)
            field(&first, "terminal", m.terminal)
            field(&first, "res", m.result)
            raw("}")
        }
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

    private mutating func writeProcess(_ p: AuditProcess) {
        raw(",\"process\":{")
        var first = true
        if let v = p.pid { sep(&first); raw("\"pid\":"); int(Int64(v)) }
        if let v = p.ppid { sep(&first); raw("\"ppid\":"); int(Int64(v)) }
        field(&first, "comm", p.comm)
        field(&first, "exe", p.exe)
        field(&first, "parent_exe", p.parentExe)
        if !p.argv.isEmpty { sep(&first); raw("\"argv\":"); stringArray(p.argv) }
        field(&first, "cwd", p.cwd)
        field(&first, "proctitle", p.proctitle)
        field(&first, "tty", p.tty)
        raw("}")
    }

    private mutating func writeUser(_ u: AuditUser) {
        raw(",\"user\":{")
        var first = true
        number(&first, "uid", u.uid)
        number(&first, "euid", u.euid)
        number(&first, "gid", u.gid)
        number(&first, "auid", u.auid)
        number(&first, "ses", u.ses)
        field(&first, "uid_name", u.uidName)
        field(&first, "euid_name", u.euidName)
        field(&first, "gid_name", u.gidName)
        field(&first, "auid_name", u.auidName)
        raw("}")
    }

    private mutating func writePath(_ p: AuditPath) {
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

    // MARK: primitives

    @inline(__always) private mutating func sep(_ first: inout Bool) {
        if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func field(_ first: inout Bool, _ name: StaticString, _ value: String?) {
        guard let value else { return }
        sep(&first)
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
        string(value)
    }

    private mutating func number(_ first: inout Bool, _ name: StaticString, _ value: UInt32?) {
        guard let value else { return }
        sep(&first)
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
        uint(UInt64(value))
    }

    private mutating func key(_ name: StaticString) {
        raw(",\"")
        raw(name)
        raw("\":")
    }

    @inline(__always) private mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func stringArray(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(v)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes `s` as a JSON string literal.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { escaped(UnsafeRawBufferPointer($0)) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 `text` with JSON string escapes (RFC 8259 §7), without quotes.
    private mutating func escaped(_ text: UnsafeRawBufferPointer) {
        var start = 0
        let n = text.count
        var i = 0
        while i < n {
            let c = text[i]
            if c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if i > start { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<i])) }
            switch c {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                let digits: StaticString = "0123456789abcdef"
                raw("\\u00")
                bytes.append(digits.utf8Start[Int(c >> 4)])
                bytes.append(digits.utf8Start[Int(c & 0xF)])
            }
            i += 1
            start = i
        }
        if n > start { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: text[start..<n])) }
    }

    private mutating func int(_ v: Int64) {
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            uint(UInt64(bitPattern: 0 &- v))
        } else {
            uint(UInt64(v))
        }
    }

    private mutating func uint(_ v: UInt64) {
        if v < 10 {
            bytes.append(UInt8(truncatingIfNeeded: v) &+ 0x30)
            return
        }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 20 digits
        var v = v
        var count = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while v > 0 {
                count += 1
                buf[24 - count] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[(24 - count)...]))
        }
    }

    private mutating func octal(_ v: UInt32) {
        var digits: [UInt8] = []
        var v = v
        repeat {
            digits.append(UInt8(v & 7) + 0x30)
            v >>= 3
        } while v > 0
        bytes.append(contentsOf: digits.reversed())
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), from days-from-civil (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
    private mutating func isoTime(_ ms: Int64) {
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        var days = totalSeconds >= 0 ? totalSeconds / 86400 : (totalSeconds - 86399) / 86400
        let secs = Int(totalSeconds - days * 86400)
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        pad(year, 4); bytes.append(UInt8(ascii: "-"))
        pad(month, 2); bytes.append(UInt8(ascii: "-"))
        pad(day, 2); bytes.append(UInt8(ascii: "T"))
        pad(secs / 3600, 2); bytes.append(UInt8(ascii: ":"))
        pad(secs / 60 % 60, 2); bytes.append(UInt8(ascii: ":"))
        pad(secs % 60, 2); bytes.append(UInt8(ascii: "."))
        pad(millis, 3); bytes.append(UInt8(ascii: "Z"))
    }

    private mutating func pad(_ v: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = max(0, v)
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: (v / divisor) % 10) + 0x30)
            v %= divisor * 10
            divisor /= 10
        }
    }
}
