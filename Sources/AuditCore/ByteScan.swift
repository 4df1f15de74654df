#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// 0x80 in exactly the zero bytes of `x` (unlike ``matches(_:_:)``, no byte is flagged by
    /// a borrow from the one below it).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7 = ones &* 0x7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// High bit set in the bytes of `x` that are at least `lo`; exact for bytes below 0x80 (a
    /// byte at or above it can carry into the next one, so callers flag those by themselves).
    @inline(__always)
    static func atLeast(_ x: UInt64, _ lo: UInt64) -> UInt64 {
        (x &+ ones &* (0x80 - lo)) & high
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

    /// Index of the first `byte` in `buf[start..<end]`, or `end`, through memchr: for one
    /// search across a whole record (auditd's 0x1D separator), where the call pays.
    @inline(__always)
    static func firstByMemchr(_ byte: UInt8, _ buf: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int {
        guard start < end, let base = buf.baseAddress else { return end }
        guard let hit = memchr(base + start, Int32(byte), end - start) else { return end }
        return UnsafeRawPointer(hit) - base
    }
}
