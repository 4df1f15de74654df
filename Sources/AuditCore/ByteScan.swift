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
}
