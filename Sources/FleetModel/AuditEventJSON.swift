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

    private let storage: Storage

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

    @inline(__always) private mutating func put(_ byte: UInt8) {
        let s = storage
        if s.count == s.capacity { s.grow(toHold: s.count + 1) }
        s.base[s.count] = byte
        s.count += 1
    }

    @inline(__always) private mutating func put(_ p: UnsafeRawPointer, _ n: Int) {
        let s = storage
        if s.count + n > s.capacity { s.grow(toHold: s.count + n) }
        (s.base + s.count).update(from: p.assumingMemoryBound(to: UInt8.self), count: n)
        s.count += n
    }

    @inline(__always) private mutating func put(_ buffer: UnsafeRawBufferPointer) {
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
        if first { first = false } else { put(UInt8(ascii: ",")) }
    }

    private mutating func field(_ first: inout Bool, _ name: StaticString, _ value: String?) {
        guard let value else { return }
        sep(&first)
        put(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
        string(value)
    }

    private mutating func number(_ first: inout Bool, _ name: StaticString, _ value: UInt32?) {
        guard let value else { return }
        sep(&first)
        put(UInt8(ascii: "\""))
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
        put(UnsafeRawPointer(s.utf8Start), s.utf8CodeUnitCount)
    }

    private mutating func stringArray(_ values: [String]) {
        put(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { put(UInt8(ascii: ",")) }
            string(v)
        }
        put(UInt8(ascii: "]"))
    }

    /// Writes `s` as a JSON string literal.
    public mutating func string(_ s: String) {
        put(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { escaped(UnsafeRawBufferPointer($0)) }
        put(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 `text` with JSON string escapes (RFC 8259 §7), without quotes.
    private mutating func escaped(_ text: UnsafeRawBufferPointer) {
        var start = 0
        let n = text.count
        var i = 0
        while i < n {
            // Eight bytes at a time while none needs escaping.
            if i + 8 <= n, !Self.needsEscape(text.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
                continue
            }
            let c = text[i]
            if c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            if i > start { put(UnsafeRawBufferPointer(rebasing: text[start..<i])) }
            switch c {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            default:
                let digits: StaticString = "0123456789abcdef"
                raw("\\u00")
                put(digits.utf8Start[Int(c >> 4)])
                put(digits.utf8Start[Int(c & 0xF)])
            }
            i += 1
            start = i
        }
        if n > start { put(UnsafeRawBufferPointer(rebasing: text[start..<n])) }
    }

    /// True when one of the eight bytes is below 0x20, `"` or `\` (SWAR: "determine if a word
    /// has a byte less than n", Bit Twiddling Hacks).
    @inline(__always)
    static func needsEscape(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & high != 0 }
        let control = (x &- ones &* 0x20) & ~x & high != 0
        return control || hasZero(x ^ (ones &* 0x22)) || hasZero(x ^ (ones &* 0x5C))
    }

    private mutating func int(_ v: Int64) {
        if v < 0 {
            put(UInt8(ascii: "-"))
            uint(UInt64(bitPattern: 0 &- v))
        } else {
            uint(UInt64(v))
        }
    }

    private mutating func uint(_ v: UInt64) {
        if v < 10 {
            put(UInt8(truncatingIfNeeded: v) &+ 0x30)
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
            put(UnsafeRawBufferPointer(rebasing: buf[(24 - count)...]))
        }
    }

    private mutating func octal(_ v: UInt32) {
        var digits: [UInt8] = []
        var v = v
        repeat {
            digits.append(UInt8(v & 7) + 0x30)
            v >>= 3
        } while v > 0
        for d in digits.reversed() { put(d) }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), from days-from-civil (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
    private mutating func isoTime(_ ms: Int64) {
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        // Events come in bursts within one second: reuse "YYYY-MM-DDTHH:MM:SS." (20 bytes).
        if totalSeconds == storage.cachedSecond {
            withUnsafeBytes(of: storage.cachedPrefix) { put($0) }
            pad(millis, 3)
            put(UInt8(ascii: "Z"))
            return
        }
        let prefixStart = storage.count
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
        pad(year, 4); put(UInt8(ascii: "-"))
        pad(month, 2); put(UInt8(ascii: "-"))
        pad(day, 2); put(UInt8(ascii: "T"))
        pad(secs / 3600, 2); put(UInt8(ascii: ":"))
        pad(secs / 60 % 60, 2); put(UInt8(ascii: ":"))
        pad(secs % 60, 2); put(UInt8(ascii: "."))
        if storage.count - prefixStart == 20 {
            storage.cachedSecond = totalSeconds
            withUnsafeMutableBytes(of: &storage.cachedPrefix) {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: storage.base + prefixStart, count: 20))
            }
        }
        pad(millis, 3); put(UInt8(ascii: "Z"))
    }

    private mutating func pad(_ v: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = max(0, v)
        while divisor > 0 {
            put(UInt8(truncatingIfNeeded: (v / divisor) % 10) + 0x30)
            v %= divisor * 10
            divisor /= 10
        }
    }
}
