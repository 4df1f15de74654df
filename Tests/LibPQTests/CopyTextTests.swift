import LibPQ
import Testing

@Suite("COPY text encoding")
struct CopyTextTests {
    static let awkward = [
        "", "plain", "tab\there", "new\nline", "cr\rhere", "back\\slash", "quote\"d", "{brace,comma}", "NULL",
        "ü ünïcødé", "\\\\\t\n\r\"\"", String(repeating: "long run ", count: 300) + "\\",
    ]

    @Test func escapingCopiesRunsAndEscapesTheFourSpecialBytes() {
        for text in Self.awkward {
            var fast: [UInt8] = []
            CopyText.appendEscaped(text, to: &fast)
            #expect(fast == Self.byteByByte(text), "\(text.debugDescription)")
        }
    }

    @Test func arraysEqualTheArrayLiteralEscapedForCopy() {
        for elements in [[], ["a"], Self.awkward, ["x\"y", "a\\b", "tab\t"]] {
            var direct: [UInt8] = []
            CopyText.appendArray(elements, to: &direct)
            #expect(direct == Self.byteByByte(PostgresArrayLiteral.encode(elements)))
        }
    }

    @Test func integersInDecimal() {
        for value: Int64 in [0, 7, -1, 42, 4_294_967_295, .max, .min] {
            var bytes: [UInt8] = []
            CopyText.appendInteger(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        var bytes: [UInt8] = []
        CopyText.appendInteger(Int32.min, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == String(Int32.min))
    }

    @Test func timestampsInPostgresISOForm() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01 00:00:00.000000+00"),
            (1_795_287_842_123_456, "2026-11-21 19:04:02.123456+00"),
            (-1, "1969-12-31 23:59:59.999999+00"),
            (951_782_400_000_001, "2000-02-29 00:00:00.000001+00"),
        ]
        for (microseconds, expected) in cases {
            var bytes: [UInt8] = []
            CopyText.appendTimestamp(microseconds: microseconds, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == expected)
        }
    }

    /// The reference: one byte at a time, as the format's documentation states it.
    static func byteByByte(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
        return out
    }
}
