/// Finding bytes eight at a time (SWAR, "determine if a word has a zero byte", Bit Twiddling
/// Hacks): most audit values are short numbers and words, too short for a memchr call to pay.
enum ByteScan {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let high: UInt64 = 0x8080_8080_8080_8080

    /// High bit set in the bytes of `x` equal to `byte`. The lowest set bit is exact; bits
    /// above it may be false (borrows), so only the first match may be used.
    @inline(__always)
    static func matches(_ x: UInt64, _ byte: UInt8) -> UInt64 {
        let v = x ^ (ones &* UInt64(byte))
        return (v &- ones) & ~v & high
    }

    /// Index of the first `byte` in `buf[start..<end]`, or `end`.
    @inline(__always)
    static func first(_ byte: UInt8, _ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i + 8 <= end {
            let m = matches(buf.loadUnaligned(fromByteOffset: i, as: UInt64.self), byte)
            if m != 0 { return i + m.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            if buf[i] == byte { return i }
            i += 1
        }
        return end
    }

    /// Index of the first `a` or `b` in `buf[start..<end]`, or `end`.
    @inline(__always)
    static func first(_ a: UInt8, or b: UInt8, _ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        var i = start
        while i + 8 <= end {
            let x = buf.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let m = matches(x, a) | matches(x, b)
            if m != 0 { return i + m.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < end {
            if buf[i] == a || buf[i] == b { return i }
            i += 1
        }
        return end
    }

    /// How many of the eight bytes of `x`, from the first, are ASCII digits (0…8).
    @inline(__always)
    static func leadingDigits(_ x: UInt64) -> Int {
        @inline(__always) func atLeast(_ lo: UInt64) -> UInt64 { (x &+ ones &* (0x80 - lo)) & high }
        let notDigit = (~(atLeast(0x30) & ~atLeast(0x3A)) & high) | (x & high)
        return notDigit.trailingZeroBitCount >> 3
    }

    /// The value of the first `digits` (1…8) bytes of `x`, all ASCII digits, first most significant.
    @inline(__always)
    static func decimalValue(_ x: UInt64, digits: Int) -> UInt64 {
        // Move the digits to the top and fill below with '0's: then it is an 8-digit number.
        let shift = UInt64(8 - digits) &* 8
        let padded = shift == 0 ? x : (x << shift) | (ones &* 0x30) & ((1 << shift) &- 1)
        var v = padded &- ones &* 0x30
        v = (v &* 10) &+ (v >> 8)  // 16-bit lanes: two-digit values in their low bytes
        let pairs = v & 0x00FF_00FF_00FF_00FF
        // Each 32-bit lane: its first pair × 100 + its second (the first is the lower lane).
        v = (pairs &* ((100 << 16) &+ 1)) >> 16 & 0x0000_FFFF_0000_FFFF
        return (v &* ((10_000 << 32) &+ 1)) >> 32  // first four × 10,000 + last four
    }

    /// 10^n for n in 1…8.
    @inline(__always)
    static func powerOf10(_ n: Int) -> UInt64 {
        var p: UInt64 = 1
        for _ in 0..<n { p &*= 10 }
        return p
    }
}
