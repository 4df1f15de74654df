/// The low-level writers behind ``AuditEventJSON``: separators, keys, JSON string escaping
/// (RFC 8259 §7), integers, octal and ISO 8601 times, all straight into the buffer.
extension AuditEventJSON {

    @inline(__always) mutating func sep(_ first: inout Bool) {
        if first { first = false } else { put(UInt8(ascii: ",")) }
    }

    mutating func field(_ first: inout Bool, _ name: StaticString, _ value: String?) {
        guard let value else { return }
        sep(&first)
        put(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
        string(value)
    }

    mutating func number(_ first: inout Bool, _ name: StaticString, _ value: UInt32?) {
        guard let value else { return }
        sep(&first)
        put(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
        uint(UInt64(value))
    }

    mutating func key(_ name: StaticString) {
        raw(",\"")
        raw(name)
        raw("\":")
    }

    @inline(__always) mutating func raw(_ s: StaticString) {
        put(UnsafeRawPointer(s.utf8Start), s.utf8CodeUnitCount)
    }

    mutating func stringArray(_ values: [String]) {
        put(UInt8(ascii: "["))
        values.withUnsafeBufferPointer { values in  // by pointer: no retain of each string
            for i in values.indices {
                if i > 0 { put(UInt8(ascii: ",")) }
                string(values[i])
            }
        }
        put(UInt8(ascii: "]"))
    }

    /// Writes `s` as a JSON string literal.
    public mutating func string(_ s: String) {
        put(UInt8(ascii: "\""))
        // Native and small strings are contiguous: no copy of `s` to make it so.
        if s.utf8.withContiguousStorageIfAvailable({ escaped(UnsafeRawBufferPointer($0)) }) == nil {
            var s = s
            s.withUTF8 { escaped(UnsafeRawBufferPointer($0)) }
        }
        put(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 `text` with JSON string escapes (RFC 8259 §7), without quotes.
    ///
    /// One pass straight into the buffer, eight bytes at a time while none needs an escape (no
    /// memcpy call per string: most are a few words long), with room made first for the worst
    /// case (every byte a six-byte `\u00XX`).
    mutating func escaped(_ text: UnsafeRawBufferPointer) {
        let n = text.count
        guard n > 0, let src = text.baseAddress else { return }
        let s = storage
        if s.count &+ 6 &* n > s.capacity { s.grow(toHold: s.count + 6 * n) }
        let start = UnsafeMutableRawPointer(s.base + s.count)
        if n >= 4 && n < 8 {
            // Four to seven bytes (names, numbers, short words): two overlapping four-byte words.
            let head = src.loadUnaligned(as: UInt32.self)
            let tail = src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            if !Self.needsEscape(UInt64(head) | UInt64(tail) << 32) {
                start.storeBytes(of: head, as: UInt32.self)
                (start + (n &- 4)).storeBytes(of: tail, as: UInt32.self)
                s.count &+= n
                return
            }
        }
        var out = start
        var i = 0
        while i < n {
            if i + 8 <= n {
                let x = src.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                out.storeBytes(of: x, as: UInt64.self)  // room: 6 * n covers a whole word here
                if !Self.needsEscape(x) {
                    out += 8
                    i += 8
                    continue
                }
                // Keep the bytes before the first one to escape (the rest of the word is
                // written over), then escape that one.
                let clean = Self.escapeMask(x).trailingZeroBitCount >> 3
                out += clean
                i += clean
                out = Self.writeEscaped(src.load(fromByteOffset: i, as: UInt8.self), at: out)
                i += 1
                continue
            } else if n >= 8, out - start == i {
                // The last, partial word of a string written as is so far: check and copy the
                // final eight bytes, overlapping the previous word with the same bytes.
                let x = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                if !Self.needsEscape(x) {
                    (start + (n - 8)).storeBytes(of: x, as: UInt64.self)
                    out = start + n
                    break
                }
            }
            let c = src.load(fromByteOffset: i, as: UInt8.self)
            i += 1
            out = Self.writeEscaped(c, at: out)
        }
        s.count &+= out - start
    }

    /// Writes byte `c` at `out`, escaped when JSON needs it; returns the position after it.
    @inline(__always)
    static func writeEscaped(_ c: UInt8, at out: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        if c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") {
            out.storeBytes(of: c, as: UInt8.self)
            return out + 1
        }
        out.storeBytes(of: UInt8(ascii: "\\"), as: UInt8.self)
        let short: UInt8
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): short = c
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        default:
            let digits: StaticString = "0123456789abcdef"
            (out + 1).storeBytes(of: UInt8(ascii: "u"), as: UInt8.self)
            (out + 2).storeBytes(of: UInt8(ascii: "0"), as: UInt8.self)
            (out + 3).storeBytes(of: UInt8(ascii: "0"), as: UInt8.self)
            (out + 4).storeBytes(of: digits.utf8Start[Int(c >> 4)], as: UInt8.self)
            (out + 5).storeBytes(of: digits.utf8Start[Int(c & 0xF)], as: UInt8.self)
            return out + 6
        }
        (out + 1).storeBytes(of: short, as: UInt8.self)
        return out + 2
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

    /// 0x80 in exactly the bytes of `x` that need an escape (below 0x20, `"`, `\`): unlike
    /// ``needsEscape(_:)``, no byte is flagged because of a borrow from the one below it.
    @inline(__always)
    static func escapeMask(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = ones &* 0x7F
        let high = ones &* 0x80
        // (b & 0x7F) + 0x60 reaches 0x80 exactly when b & 0x7F >= 0x20; no carry leaves a byte.
        let control = ~(((x & low7) &+ ones &* 0x60) | x) & high
        @inline(__always) func equal(_ c: UInt64) -> UInt64 {
            let v = x ^ (ones &* c)
            return ~(((v & low7) &+ low7) | v) & high
        }
        return control | equal(0x22) | equal(0x5C)
    }

    mutating func int(_ v: Int64) {
        if v < 0 {
            put(UInt8(ascii: "-"))
            uint(UInt64(bitPattern: 0 &- v))
        } else {
            uint(UInt64(v))
        }
    }

    mutating func uint(_ v: UInt64) {
        if v < 10 {
            put(UInt8(truncatingIfNeeded: v) &+ 0x30)
            return
        }
        if v < 100_000_000 { return upToEightDigits(UInt32(truncatingIfNeeded: v)) }
        // Eight digits at a time from the right: one 64-bit division per eight digits, and
        // the eight written with 32-bit arithmetic in two independent halves (syscall
        // arguments and times run to 13–20 digits).
        let high = v / 100_000_000
        uint(high)
        eightDigits(UInt32(truncatingIfNeeded: v &- high &* 100_000_000))
    }

    /// Two digits per entry: "00", "01", … "99".
    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// `v` (below 10^8) in as many digits as it has, two at a time from the end.
    private mutating func upToEightDigits(_ v: UInt32) {
        let count = Self.decimalDigits(UInt64(v))
        let s = storage
        if s.count &+ count > s.capacity { s.grow(toHold: s.count + count) }
        let table = Self.digitPairs.utf8Start
        var p = s.base + s.count + count
        var v = v
        while v >= 100 {
            let r = Int(v % 100)
            v /= 100
            p -= 2
            p[0] = table[2 &* r]
            p[1] = table[2 &* r &+ 1]
        }
        if v >= 10 {
            p -= 2
            p[0] = table[2 &* Int(v)]
            p[1] = table[2 &* Int(v) &+ 1]
        } else {
            p -= 1
            p[0] = UInt8(truncatingIfNeeded: v) &+ 0x30
        }
        s.count &+= count
    }

    /// `v` (below 10^8) in exactly eight digits, zero padded.
    private mutating func eightDigits(_ v: UInt32) {
        let s = storage
        if s.count &+ 8 > s.capacity { s.grow(toHold: s.count + 8) }
        let table = Self.digitPairs.utf8Start
        let p = s.base + s.count
        let high = v / 10_000
        let low = v &- high &* 10_000
        @inline(__always) func pair(_ at: Int, _ value: UInt32) {
            p[at] = table[2 &* Int(value)]
            p[at &+ 1] = table[2 &* Int(value) &+ 1]
        }
        pair(0, high / 100)
        pair(2, high % 100)
        pair(4, low / 100)
        pair(6, low % 100)
        s.count &+= 8
    }

    /// Number of decimal digits of `v`, by comparisons with constants (a loop of divisions
    /// costs a multiply per two digits before a single digit is written).
    @inline(__always)
    static func decimalDigits(_ v: UInt64) -> Int {
        if v < 100_000_000 {
            if v < 10_000 { return v < 100 ? (v < 10 ? 1 : 2) : (v < 1000 ? 3 : 4) }
            return v < 1_000_000 ? (v < 100_000 ? 5 : 6) : (v < 10_000_000 ? 7 : 8)
        }
        var count = 9
        var threshold: UInt64 = 1_000_000_000
        while count < 20, v >= threshold {
            count += 1
            threshold = threshold &* 10
        }
        return count
    }

    mutating func octal(_ v: UInt32) {
        var shift = 30  // 32 bits are at most 11 octal digits
        while shift > 0, v >> UInt32(shift) == 0 { shift -= 3 }
        while shift >= 0 {
            put(UInt8(truncatingIfNeeded: (v >> UInt32(shift)) & 7) &+ 0x30)
            shift -= 3
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), from days-from-civil (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
    mutating func isoTime(_ ms: Int64) {
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

    /// `v` in `width` decimal digits, zero padded (times: at most 4 digits). Divisions by
    /// constants only: a variable divisor is a hardware division per digit.
    mutating func pad(_ v: Int, _ width: Int) {
        let v = max(0, v)
        if width >= 4 { put(UInt8(truncatingIfNeeded: v / 1000 % 10) &+ 0x30) }
        if width >= 3 { put(UInt8(truncatingIfNeeded: v / 100 % 10) &+ 0x30) }
        if width >= 2 { put(UInt8(truncatingIfNeeded: v / 10 % 10) &+ 0x30) }
        put(UInt8(truncatingIfNeeded: v % 10) &+ 0x30)
    }
}
