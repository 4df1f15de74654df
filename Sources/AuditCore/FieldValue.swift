import FleetModel

/// Decoding of field values as the kernel and auditd write them.
///
/// - Untrusted strings (kernel `audit_log_n_untrustedstring`, `kernel/audit.c`): written
///   `"quoted"` when every byte is printable (0x21…0x7E, no `"`), else as bare upper-case hex
///   of the bytes. Applies to comm, exe, cwd, name, key, proctitle, EXECVE arguments, saddr, and
///   in user messages acct, cmd, … (libaudit `audit_encode_value`).
/// - `(null)`: no value (an unset key), `?`: unknown (user messages).
/// - Numbers: decimal (`pid=`, `uid=`, `exit=-2`), hexadecimal without `0x` (`arch=`, `a0=`),
///   octal (`mode=`).
enum FieldValue {
    /// Decodes an untrusted string: quoted as is, `(null)` as nil, even-length hex decoded,
    /// anything else bare as is. Appends to `out`; returns false for `(null)`.
    @inline(__always)
    static func untrusted(_ v: UnsafeRawBufferPointer, _ encoding: AuditField.Encoding, into out: inout [UInt8]) -> Bool {
        if encoding != .bare {
            out.append(contentsOf: v)
            return true
        }
        if isNull(v) { return false }
        if v.count % 2 == 0, v.count > 0, hexDecode(v, into: &out) { return true }
        out.append(contentsOf: v)
        return true
    }

    /// Decodes an untrusted string like ``untrusted(_:_:into:)`` to `out`, which has room for
    /// `v.count` bytes; returns the decoded length, or nil for `(null)`.
    @inline(__always)
    static func untrusted(_ v: UnsafeRawBufferPointer, _ encoding: AuditField.Encoding, to out: UnsafeMutableRawPointer) -> Int? {
        if encoding == .bare {
            if isNull(v) { return nil }
            if v.count % 2 == 0, v.count > 0, hexDecode(v, to: out) { return v.count / 2 }
        }
        if let base = v.baseAddress { out.copyMemory(from: base, byteCount: v.count) }
        return v.count
    }

    /// The untrusted string in lossless text form, or nil for `(null)`.
    static func untrustedText(_ v: UnsafeRawBufferPointer, _ encoding: AuditField.Encoding) -> String? {
        if encoding != .bare { return AuditText.make(v) }
        if isNull(v) { return nil }
        if v.count % 2 == 0, v.count > 0 {
            // Decode into a temporary (on the stack when small): no array per value.
            let decoded = withUnsafeTemporaryAllocation(byteCount: v.count / 2, alignment: 1) { out -> String? in
                hexDecode(v, to: out.baseAddress!) ? AuditText.make(UnsafeRawBufferPointer(out)) : nil
            }
            if let decoded { return decoded }
        }
        return AuditText.make(v)
    }

    /// Decodes the even-length hex string `v` to `v.count / 2` bytes at `out`; false when a digit
    /// is not hex (`out` then holds garbage). Eight digits at a time (proctitles and hex
    /// arguments run to hundreds), the rest one by one.
    @inline(__always)
    static func hexDecode(_ v: UnsafeRawBufferPointer, to out: UnsafeMutableRawPointer) -> Bool {
        guard let p = v.baseAddress else { return true }
        var bad: UInt64 = 0
        var i = 0
        while i + 8 <= v.count {
            let x = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            bad |= notHexDigits(x)
            out.storeBytes(of: hexPairs(x), toByteOffset: i / 2, as: UInt32.self)
            i += 8
        }
        return bad == 0 && hexDecodeScalar(UnsafeRawBufferPointer(rebasing: v[i...]), to: out + i / 2)
    }

    /// Byte at a time: the reference for ``hexDecode(_:to:)`` and its tail.
    static func hexDecodeScalar(_ v: UnsafeRawBufferPointer, to out: UnsafeMutableRawPointer) -> Bool {
        guard let p = v.baseAddress else { return true }
        let n = v.count / 2
        var bad: UInt8 = 0
        for i in 0..<n {
            let h = nibble(p.load(fromByteOffset: 2 * i, as: UInt8.self))
            let l = nibble(p.load(fromByteOffset: 2 * i + 1, as: UInt8.self))
            bad |= h | l
            out.storeBytes(of: h << 4 | l, toByteOffset: i, as: UInt8.self)
        }
        return bad & 0xF0 == 0
    }

    /// Nonzero when one of the eight bytes of `x` is not `0-9`, `A-F` or `a-f` (SWAR range tests,
    /// exact for bytes below 0x80; a byte at or above it is flagged by itself).
    @inline(__always)
    static func notHexDigits(_ x: UInt64) -> UInt64 {
        let lower = x | ByteScan.ones &* 0x20
        let digit = ByteScan.atLeast(x, 0x30) & ~ByteScan.atLeast(x, 0x3A)
        let letter = ByteScan.atLeast(lower, 0x61) & ~ByteScan.atLeast(lower, 0x67)
        return (~(digit | letter) & ByteScan.high) | (x & ByteScan.high)
    }

    /// The four bytes that eight hex digits (valid ones) stand for, first digit pair first.
    @inline(__always)
    static func hexPairs(_ x: UInt64) -> UInt32 {
        let ones = ByteScan.ones
        // Digit values: the low four bits, plus 9 for letters (bit 6 set in 'A'-'F' and 'a'-'f').
        let nibbles = (x & (ones &* 0x0F)) &+ ((x >> 6) & ones) &* 9
        // In each 16-bit lane the first digit is the low byte: high nibble << 4 | low nibble.
        let lanes = ((nibbles & 0x00FF_00FF_00FF_00FF) << 4 | (nibbles >> 8) & 0x00FF_00FF_00FF_00FF) & 0x00FF_00FF_00FF_00FF
        let halves = (lanes | lanes >> 8) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: halves | halves >> 16)
    }

    /// 0…15 for a hex digit (either case), 0xFF otherwise.
    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8 {
        let d = c &- 0x30
        if d < 10 { return d }
        let l = (c | 0x20) &- 0x61
        return l < 6 ? l &+ 10 : 0xFF
    }

    static func isNull(_ v: UnsafeRawBufferPointer) -> Bool {
        v.count == 6 && v.elementsEqual("(null)".utf8)
    }

    /// Decodes hex digits (either case); on a non-hex digit leaves `out` as it was and returns false.
    static func hexDecode(_ v: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        let n = v.count / 2
        let start = out.count
        var ok = true
        out.append(contentsOf: repeatElement(0, count: n))
        out.withUnsafeMutableBytes { ok = hexDecode(v, to: $0.baseAddress! + start) }
        if !ok { out.removeLast(n) }
        return ok
    }

    @inline(__always)
    static func hexDigit(_ c: UInt8) -> UInt8? {
        let d = nibble(c)
        return d == 0xFF ? nil : d
    }

    /// Decimal, optionally negative; nil when not a number or outside Int64 (host data: a
    /// 19-digit `pid=` must not trap).
    static func int(_ v: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var negative = false
        if v.first == UInt8(ascii: "-") {
            negative = true
            i = 1
        }
        guard i < v.count, v.count - i <= 19 else { return nil }
        var r: UInt64 = 0  // 19 decimal digits always fit in UInt64
        while i < v.count {
            let d = v[i] &- 0x30
            guard d < 10 else { return nil }
            r = r &* 10 &+ UInt64(d)
            i += 1
        }
        if negative { return r <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- r) : nil }
        return r <= UInt64(Int64.max) ? Int64(r) : nil
    }

    /// Unsigned decimal up to UInt64.max (inode numbers); nil otherwise.
    static func uint64(_ v: UnsafeRawBufferPointer) -> UInt64? {
        guard !v.isEmpty, v.count <= 20 else { return nil }
        var r: UInt64 = 0
        for c in v {
            let d = c &- 0x30
            guard d < 10 else { return nil }
            let (times10, o1) = r.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            r = sum
        }
        return r
    }

    static func uint32(_ v: UnsafeRawBufferPointer) -> UInt32? {
        guard let n = int(v), n >= 0, n <= Int64(UInt32.max) else { return nil }
        return UInt32(n)
    }

    static func int32(_ v: UnsafeRawBufferPointer) -> Int32? {
        guard let n = int(v), n >= Int64(Int32.min), n <= Int64(Int32.max) else { return nil }
        return Int32(n)
    }

    /// Hexadecimal without prefix, up to 16 digits (syscall arguments, arch): eight digits at a
    /// time.
    static func hex(_ v: UnsafeRawBufferPointer) -> UInt64? {
        let n = v.count
        guard let p = v.baseAddress, n > 0, n <= 16 else { return nil }
        if n <= 8 { return hexWord(p, n).map { UInt64($0) } }
        guard let high = hexWord(p, n &- 8), let low = hexWord(p + (n &- 8), 8) else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    /// The value of the `n` (1…8) hex digits at `p`, or nil when one is not a hex digit: the
    /// digits are loaded into one word behind `0`s, checked and combined by ``hexPairs(_:)``.
    @inline(__always)
    static func hexWord(_ p: UnsafeRawPointer, _ n: Int) -> UInt32? {
        let digits = FieldName.pack(UnsafeRawBufferPointer(start: p, count: n))  // digit i in byte i
        let word = n == 8 ? digits : digits << UInt64((8 &- n) &* 8) | (ByteScan.ones &* 0x30) >> UInt64(n &* 8)
        guard notHexDigits(word) == 0 else { return nil }
        return hexPairs(word).byteSwapped  // the first pair is the most significant byte
    }

    static func octal(_ v: UnsafeRawBufferPointer) -> UInt32? {
        guard !v.isEmpty, v.count <= 11 else { return nil }
        var r: UInt32 = 0
        for c in v {
            guard c >= 0x30, c <= 0x37 else { return nil }
            r = r << 3 | UInt32(c - 0x30)
        }
        return r
    }

    /// Compares a key with a literal.
    @inline(__always)
    static func equals(_ v: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        guard v.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<v.count where v[i] != p[i] { return false }
        return true
    }
}
