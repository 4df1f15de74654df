@testable import AuditCore
import Testing

@Suite struct HexDecodeTests {
    /// Decodes with the eight-at-a-time path and the byte-at-a-time reference.
    func both(_ text: [UInt8]) -> (fast: [UInt8]?, reference: [UInt8]?) {
        var fast = [UInt8](repeating: 0, count: text.count / 2)
        var reference = fast
        let fastOK = text.withUnsafeBytes { v in fast.withUnsafeMutableBytes { FieldValue.hexDecode(v, to: $0.baseAddress!) } }
        let referenceOK = text.withUnsafeBytes { v in
            reference.withUnsafeMutableBytes { FieldValue.hexDecodeScalar(v, to: $0.baseAddress!) }
        }
        return (fastOK ? fast : nil, referenceOK ? reference : nil)
    }

    /// `FieldValue.hex` a byte at a time: its reference.
    static func hexByteLoop(_ v: UnsafeRawBufferPointer) -> UInt64? {
        guard let p = v.baseAddress, !v.isEmpty, v.count <= 16 else { return nil }
        var r: UInt64 = 0
        var bad: UInt8 = 0
        for i in 0..<v.count {
            let d = FieldValue.nibble(p.load(fromByteOffset: i, as: UInt8.self))
            bad |= d
            r = r << 4 | UInt64(d & 0xF)
        }
        return bad & 0xF0 == 0 ? r : nil
    }

    /// `length` indices below `count` from a xorshift generator: deterministic test input.
    static func randomIndices(_ length: Int, _ count: Int, _ state: inout UInt64) -> [Int] {
        (0..<length).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(count))
        }
    }

    /// PROCTITLE's NUL separators become spaces eight bytes at a time: every length, NULs
    /// anywhere, and bytes that only look like zero to a careless test (0x80, 0x01, 0x20).
    @Test func proctitleNULsBecomeSpacesAndNothingElseChanges() {
        let alphabet: [UInt8] = [0, 0, 0x80, 0x01, 0x20, 0x61, 0xFF, 0x7F]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for length in 0...40 {
            for _ in 0..<50 {
                let bytes = Self.randomIndices(length, alphabet.count, &state).map { alphabet[$0] }
                var fast = bytes
                fast.withUnsafeMutableBytes { AuditEventNormalizer.Builder.replaceNULsWithSpaces($0.baseAddress!, length) }
                #expect(fast == bytes.map { $0 == 0 ? 0x20 : $0 }, "\(bytes)")
            }
        }
    }

    /// Hex numbers (syscall arguments, arch) eight digits at a time, against the byte loop:
    /// every length to 17, hex digits of both cases and near misses.
    @Test func hexNumbersAgreeWithTheByteLoop() {
        let alphabet = Array("0123456789abcdefABCDEF/:@G`g \u{7F}".utf8) + [0x80, 0xB0, 0xC6, 0x00]
        var state: UInt64 = 0x853C_49E6_748F_EA9B
        for length in 0...17 {
            for trial in 0..<300 {
                // Mostly valid digits (the first 22), so that whole numbers are exercised too.
                let bytes = Self.randomIndices(length, trial % 3 == 0 ? alphabet.count : 22, &state).map { alphabet[$0] }
                bytes.withUnsafeBytes { v in
                    #expect(FieldValue.hex(v) == Self.hexByteLoop(v), "\(bytes)")
                }
            }
        }
        #expect(Array("ffffffffffffffff".utf8).withUnsafeBytes { FieldValue.hex($0) } == UInt64.max)
        #expect(Array("c000003e".utf8).withUnsafeBytes { FieldValue.hex($0) } == 0xC000_003E)
        #expect(Array("7fffe02986c0".utf8).withUnsafeBytes { FieldValue.hex($0) } == 0x7FFF_E029_86C0)
    }

    @Test func agreesWithTheReferenceOnHexAndOnNearMisses() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // xorshift: deterministic
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let digits = Array("0123456789abcdefABCDEF".utf8)
        // Bytes next to the ranges: '/', ':', '@', 'G', '`', 'g', and high and control bytes.
        let misses: [UInt8] = [0x2F, 0x3A, 0x40, 0x47, 0x60, 0x67, 0x00, 0x1D, 0x7F, 0x80, 0xB0, 0xC6, 0xFF, 0x20]
        for round in 0..<20_000 {
            let length = 2 * Int(next() % 40)
            var text = (0..<length).map { _ in digits[Int(next() % UInt64(digits.count))] }
            if round % 2 == 1, length > 0 { text[Int(next() % UInt64(length))] = misses[Int(next() % UInt64(misses.count))] }
            let (fast, reference) = both(text)
            #expect(fast == reference, "\(text)")
        }
    }

    @Test func decodesKnownText() {
        let (fast, _) = both(Array("2F7573722F62696E2F636174002D6E00616263".utf8))
        #expect(fast == Array("/usr/bin/cat\0-n\0abc".utf8))
        #expect(both(Array("2f7573722F62696EzF".utf8)).fast == nil)
    }
}

@Suite struct StampTests {
    @Test func stampsParseWithLongAndShortNumbers() throws {
        for (stamp, ms, serial) in [
            ("1795288308.285:1000", Int64(1_795_288_308_285), UInt32(1000)), ("7.1:4294967295", 7100, .max),
            ("12345678901.999:12345678", 12_345_678_901_999, 12_345_678), ("0.000:0", 0, 0),
        ] {
            let r = try #require(record("type=SYSCALL msg=audit(\(stamp)): pid=1"))
            #expect(r.timestampMilliseconds == ms)
            #expect(r.serial == serial)
        }
    }
}
