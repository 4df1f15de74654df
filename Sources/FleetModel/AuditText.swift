/// The lossless text form of bytes that came from a host.
///
/// Audit fields are bytes, not text: a file name or an argument may hold any byte but NUL in the
/// kernel's records, and any byte at all in a hostile log file. Herdwatch stores them as Swift
/// `String`s (and JSON strings) in this form:
/// - every well-formed UTF-8 sequence is kept as is (control characters included: the JSON
///   writer escapes them), except NUL,
/// - `%` is written `%25` and NUL `%00` (PostgreSQL's text and jsonb cannot hold NUL, so one
///   NUL would make the server refuse a whole batch),
/// - every byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no overlong forms,
///   no surrogates, nothing above U+10FFFF) is written `%XX` with upper-case hex digits.
///
/// So the original bytes come back by undoing the `%XX` escapes (``AuditText/bytes(_:)``), and
/// any text is valid Unicode that PostgreSQL `jsonb` accepts. This is laurel's convention too.
public enum AuditText {
    /// Makes the lossless text form of `bytes`.
    public static func make(_ bytes: UnsafeRawBufferPointer) -> String {
        var plain = true
        var i = 0
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let x = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let percent = x ^ (ones &* 0x25)
            if x & high != 0 || (percent &- ones) & ~percent & high != 0 || (x &- ones) & ~x & high != 0 {
                plain = false
                break
            }
            i += 8
        }
        while plain, i < n {
            if bytes[i] >= 0x80 || bytes[i] == UInt8(ascii: "%") || bytes[i] == 0 { plain = false }
            i += 1
        }
        if plain { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        escape(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Makes the lossless text form of `bytes`.
    public static func make(_ bytes: some Collection<UInt8>) -> String {
        if let s = bytes.withContiguousStorageIfAvailable({ make(UnsafeRawBufferPointer($0)) }) { return s }
        return Array(bytes).withUnsafeBytes { make($0) }
    }

    /// Appends the lossless text form of `bytes` (as UTF-8) to `out`.
    public static func escape(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == UInt8(ascii: "%") || b == 0 { appendEscape(b, &out) } else { out.append(b) }
                i += 1
                continue
            }
            let length = validSequenceLength(bytes, at: i)
            if length == 0 {
                appendEscape(b, &out)
                i += 1
            } else {
                for k in 0..<length { out.append(bytes[i + k]) }
                i += length
            }
        }
    }

    /// Undoes the escapes: the original bytes of a lossless text.
    public static func bytes(_ text: String) -> [UInt8] {
        let u = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let h = hexValue(u[i + 1]), let l = hexValue(u[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    @inline(__always)
    private static func appendEscape(_ b: UInt8, _ out: inout [UInt8]) {
        let digits: StaticString = "0123456789ABCDEF"
        out.append(UInt8(ascii: "%"))
        out.append(digits.utf8Start[Int(b >> 4)])
        out.append(digits.utf8Start[Int(b & 0xF)])
    }

    /// Length of the well-formed UTF-8 sequence starting at `i` (lead byte ≥ 0x80), or 0 when ill-formed
    /// (Unicode 15, table 3-7).
    private static func validSequenceLength(_ s: UnsafeRawBufferPointer, at i: Int) -> Int {
        let n = s.count
        let b0 = s[i]
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < n && s[i + k] >= lo && s[i + k] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}
