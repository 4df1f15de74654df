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
    mutating func escaped(_ text: UnsafeRawBufferPointer) {
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
        // Digits straight into the buffer, two at a time, from the end.
        var count = 1
        var t = v
        while t >= 100 { t /= 100; count += 2 }
        if t >= 10 { count += 1 }
        let s = storage
        if s.count + count > s.capacity { s.grow(toHold: s.count + count) }
        let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        let table = pairs.utf8Start
        var p = s.base + s.count + count
        var v = v
        while v >= 100 {
            let r = Int(v % 100)
            v /= 100
            p -= 2
            p[0] = table[2 * r]
            p[1] = table[2 * r + 1]
        }
        if v >= 10 {
            p -= 2
            p[0] = table[2 * Int(v)]
            p[1] = table[2 * Int(v) + 1]
        } else {
            p -= 1
            p[0] = UInt8(truncatingIfNeeded: v) &+ 0x30
        }
        s.count += count
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
