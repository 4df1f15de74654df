@testable import FleetModel
import Foundation
import Testing

@Suite struct AuditEventJSONTests {
    @Test func losslessText() {
        #expect(AuditText.make(Array("plain /usr/bin".utf8)) == "plain /usr/bin")
        #expect(AuditText.make(Array("100%".utf8)) == "100%25")
        #expect(AuditText.make(Array("é✓😀".utf8)) == "é✓😀")
        // NUL cannot be stored in PostgreSQL text or jsonb: escaped, in short and long inputs.
        #expect(AuditText.make([0x61, 0x00, 0x62]) == "a%00b")
        #expect(AuditText.make(Array("sixteen-bytes-ab".utf8) + [0] + Array("tail".utf8)) == "sixteen-bytes-ab%00tail")
        // Lone continuation, overlong "/", surrogate half, beyond U+10FFFF, truncated sequence.
        let bad: [UInt8] = [0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, 0xE2, 0x9C]
        let text = AuditText.make(bad)
        #expect(text == "%80%C0%AF%ED%A0%80%F4%90%80%80%E2%9C")
        #expect(AuditText.bytes(text) == bad)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = AuditText.make(bytes)
            #expect(AuditText.bytes(text) == bytes)
            #expect(!text.utf8.contains(0))
        }
    }

    @Test func escapingAndShape() throws {
        var event = AuditEvent(timestampMilliseconds: 1_492_037_291_036, serial: 59, kind: .exec, recordTypes: ["SYSCALL", "EXECVE"])
        event.process = AuditProcess(pid: 7, exe: "/bin/\"x\"\\", argv: ["a\nb", "\u{01}\u{1F}", "%FF"])
        event.paths = [AuditPath(name: "/etc/passwd", mode: 0o100644)]
        event.success = false
        var json = AuditEventJSON()
        json.write(event)
        let line = String(decoding: json.bytes, as: UTF8.self)
        #expect(line.hasSuffix("}\n"))
        #expect(line.hasPrefix(#"{"schema":1,"time":"2017-04-12T22:48:11.036Z","time_ms":1492037291036,"serial":59,"kind":"exec""#))
        #expect(line.contains(#""exe":"/bin/\"x\"\\""#))
        #expect(line.contains(#""argv":["a\nb","\u0001\u001f","%FF"]"#))
        #expect(line.contains(#""mode":"0100644""#))
        let object = try JSONSerialization.jsonObject(with: Data(json.bytes)) as! [String: Any]
        let process = object["process"] as! [String: Any]
        #expect(process["exe"] as? String == "/bin/\"x\"\\")
        #expect(process["argv"] as? [String] == ["a\nb", "\u{01}\u{1F}", "%FF"])
        #expect(object["success"] as? Bool == false)
        #expect(object["user"] as? [String: Any] != nil)
    }

    /// The writer copies words at a time and takes short strings whole: every length from
    /// empty to several words, with a character to escape at every position or none, must
    /// come out as the plain escaper (`JSONString`, a character at a time) writes it.
    @Test func stringsOfEveryLengthAndEscapePosition() throws {
        let specials: [Character?] = [nil, "\"", "\\", "\n", "\u{01}", "\u{1F}", "\t", "é"]
        for length in 0...40 {
            for special in specials {
                for position in 0..<max(length, 1) {
                    var chars = (0..<length).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) }
                    if let special, length > 0 { chars[position] = special }
                    let text = String(chars)
                    var json = AuditEventJSON(capacity: 1)  // grows on the way: the room check is exercised too
                    json.string(text)
                    let written = String(decoding: json.bytes, as: UTF8.self)
                    #expect(written == JSONString.quoted(text), "length \(length), \(String(describing: special)) at \(position)")
                    let parsed = try JSONSerialization.jsonObject(with: Data(json.bytes), options: .fragmentsAllowed)
                    #expect(parsed as? String == text)
                    if special == nil { break }
                }
            }
        }
    }

    /// Strings thick with characters to escape, several to a word, against the plain escaper.
    @Test func stringsWithManyEscapes() throws {
        let alphabet: [Character] = ["a", "b", "\"", "\\", "\n", "\u{01}", "\u{1F}", " ", "é", "~", "\u{7F}"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0..<100, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            var json = AuditEventJSON(capacity: 1)
            json.string(text)
            #expect(String(decoding: json.bytes, as: UTF8.self) == JSONString.quoted(text))
            let parsed = try JSONSerialization.jsonObject(with: Data(json.bytes), options: .fragmentsAllowed)
            #expect(parsed as? String == text)
        }
    }

    @Test func integersAtEveryDigitCount() {
        var values: [UInt64] = [0, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            values += [power - 1, power, power + 1]
            power *= 10
        }
        values += [power - 1, power]  // 10^19 fits in 64 bits
        for v in values {
            var json = AuditEventJSON(capacity: 1)
            json.uint(v)
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(v))
            #expect(AuditEventJSON.decimalDigits(v) == String(v).count)
        }
        for v: Int64 in [Int64.min, -1, -10, Int64.max] {
            var json = AuditEventJSON(capacity: 1)
            json.int(v)
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(v))
        }
    }

    @Test func timesBeforeAndAfterEpoch() {
        func iso(_ ms: Int64) -> String {
            var json = AuditEventJSON()
            json.write(AuditEvent(timestampMilliseconds: ms, serial: 0))
            let s = String(decoding: json.bytes, as: UTF8.self)
            return String(s.split(separator: "\"")[5])
        }
        #expect(iso(0) == "1970-01-01T00:00:00.000Z")
        #expect(iso(951_782_400_999) == "2000-02-29T00:00:00.999Z")
        #expect(iso(-1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func malformedObject() throws {
        var json = AuditEventJSON()
        let raw: [UInt8] = Array("type=X \"q\" ".utf8) + [0xFF]
        raw.withUnsafeBytes { json.writeMalformed(reason: "missing type=", raw: $0) }
        let object = try JSONSerialization.jsonObject(with: Data(json.bytes)) as! [String: Any]
        #expect(object["malformed"] as? Bool == true)
        #expect(object["raw"] as? String == "type=X \"q\" %FF")
    }
}

