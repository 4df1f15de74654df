@testable import AuditCore
import FleetModel
import Foundation
import Testing

/// Structured fuzzing of the whole pipeline with a fixed seed: real record lines with their
/// values replaced by hostile ones (huge and negative numbers, odd and huge hex, empty values,
/// unterminated quotes, 0x1D, NUL and high bytes), plus every truncation of a few lines, go
/// through ``AuditLogDecoder`` (bytes in, events out) and the netlink path, and every event
/// through ``AuditEventJSON``. Nothing may trap, and the statistics must add up.
@Suite struct HostileInputFuzzTests {
    /// xorshift64*: deterministic, so a failure reproduces.
    struct XorShift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    static let extraLines = [
        "type=USER_AUTH msg=audit(1795288309.001:1300): pid=9 uid=0 auid=1000 ses=1 msg='op=PAM:authentication acct=\"bob\" exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/0 res=failed'",
        "type=USER_LOGIN msg=audit(1795288309.002:1301): pid=9 uid=0 auid=1000 ses=1 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=10.0.0.1 addr=10.0.0.1 terminal=ssh res=success'\u{1D}UID=\"root\" AUID=\"bob\"",
        "type=EXECVE msg=audit(1795288309.003:1302): argc=3 a0=\"sh\" a1[0]=2D63 a1[1]=6C a1_len=4 a2=6C73",
        "type=EOE msg=audit(1795288309.003:1302): ",
        "node=host-a type=SOCKADDR msg=audit(1795288309.004:1303): saddr=0A000050000000002001067C02E8001C0000000000000000",
        "type=UNKNOWN[1999] msg=audit(1795288309.005:1304): x=1",
    ]

    /// A hostile replacement for a value.
    static func hostileValue(_ rng: inout XorShift) -> [UInt8] {
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }) }
        func hex(_ n: Int) -> String { String((0..<n).map { _ in "0123456789ABCDEFabcdefXZ".randomElement(using: &rng)! }) }
        switch Int.random(in: 0..<22, using: &rng) {
        case 0: return Array(digits(Int.random(in: 19...25, using: &rng)).utf8)
        case 1: return Array(("-" + digits(Int.random(in: 1...25, using: &rng))).utf8)
        case 2: return Array("-9223372036854775808".utf8)
        case 3: return Array("-9223372036854775809".utf8)
        case 4: return Array("18446744073709551616".utf8)
        case 5: return Array(hex(2 * Int.random(in: 0...40, using: &rng) + 1).utf8)  // odd-length hex
        case 6: return Array(hex(2 * Int.random(in: 100...2000, using: &rng)).utf8)  // huge hex
        case 7: return Array(hex(Int.random(in: 1...40, using: &rng)).utf8)
        case 8: return []
        case 9: return Array("\"unterminated".utf8)
        case 10: return Array("'unterminated".utf8)
        case 11: return [0x1D] + Array("UID=\"x".utf8)
        case 12: return [0, 0, UInt8(ascii: "a"), 0]
        case 13: return (0..<Int.random(in: 1...12, using: &rng)).map { _ in UInt8.random(in: 0x80...0xFF, using: &rng) }
        case 14: return Array("(null)".utf8)
        case 15: return Array("msg='".utf8)
        case 16: return Array("=".utf8)
        case 17: return Array("\"\"".utf8)
        case 18: return Array("0x1D".utf8) + [0x1D, 0x1D]
        case 19: return [0x0D]
        case 20: return Array("a9999999999999999999[1]=41".utf8)
        default: return (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
    }

    /// `line` with a few of its values (after `=`) replaced by hostile ones.
    static func mutate(_ line: [UInt8], _ rng: inout XorShift) -> [UInt8] {
        var out = line
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let equals = out.indices.filter { out[$0] == UInt8(ascii: "=") }
            guard let at = equals.randomElement(using: &rng) else { break }
            let start = at + 1
            var end = start
            while end < out.count, out[end] != 0x20 { end += 1 }
            if Int.random(in: 0..<4, using: &rng) == 0 { end = start }  // insert rather than replace
            out.replaceSubrange(start..<end, with: hostileValue(&rng))
        }
        return out
    }

    func hostileStream() throws -> [UInt8] {
        var rng = XorShift(state: 0x9E37_79B9_7F4A_7C15)
        let text = try fixture("capture-raw.log")
        let lines = text.split(separator: 0x0A).map(Array.init) + Self.extraLines.map { Array($0.utf8) }
        var stream: [UInt8] = []
        for _ in 0..<3000 {
            stream += Self.mutate(lines.randomElement(using: &rng)!, &rng)
            stream.append(0x0A)
        }
        // Every truncation of a few lines of different types.
        for prefix in ["type=SYSCALL", "type=EXECVE", "type=SOCKADDR", "type=PATH", "type=USER_LOGIN", "type=EXECVE msg=audit(1795288309.003"] {
            guard let line = lines.first(where: { $0.starts(with: prefix.utf8) }) else { continue }
            for n in 0...line.count {
                stream += line.prefix(n)
                stream.append(0x0A)
            }
        }
        return stream
    }

    /// Collects what the decoder emits, writing every event and malformed record as JSON.
    struct Collector: AuditLogDecoderOutput {
        var json = AuditEventJSON()
        var events = 0
        var malformed = 0
        var recordsInEvents = 0
        var keptEOE = 0
        var jsonLines = 0
        /// JSON that did not parse back (hostile bytes must not break the writer's escaping).
        var invalidJSON: [String] = []

        mutating func checkJSON() {
            json.withBytes { bytes in
                for line in bytes.split(separator: 0x0A) {
                    let data = Data(line)
                    if (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] == nil {
                        invalidJSON.append(String(decoding: data, as: UTF8.self))
                    }
                }
            }
            json.removeAll()
        }

        mutating func eventDecoded(_ event: AuditEvent) {
            events += 1
            recordsInEvents += event.recordTypes.count
            keptEOE += event.recordTypes.filter { $0 == "EOE" }.count
            json.write(event)
            json.writeDetail(event)
            checkJSON()
            jsonLines += 1
        }

        mutating func malformedRecord(reason: AuditRecordParser.MalformedReason, bytes: [UInt8]) {
            malformed += 1
            bytes.withUnsafeBytes { json.writeMalformed(reason: reason.rawValue, raw: $0) }
            checkJSON()
            jsonLines += 1
        }
    }

    @Test func mutatedRecordsThroughDecoderAndJSON() throws {
        let stream = try hostileStream()
        // What the decoder must count, from the lines parsed one by one.
        let lines = stream.split(separator: 0x0A).filter { $0 != [0x0D] }
        var expectedMalformed = 0
        var eoe = 0
        for line in lines {
            switch Array(line).withUnsafeBytes({ AuditRecordParser.parseLogLine($0) }) {
            case .malformed: expectedMalformed += 1
            case .record(let r): if r.type == .eoe { eoe += 1 }
            }
        }

        var rng = XorShift(state: 42)
        var decoder = AuditLogDecoder()
        var out = Collector()
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + Int.random(in: 1...20_000, using: &rng))
            stream[start..<end].withUnsafeBytes { decoder.bytesReceived($0, into: &out) }
            start = end
        }
        decoder.streamEnded(into: &out)
        let stats = decoder.statistics

        #expect(stats.records == lines.count)
        #expect(stats.events > 1000 && stats.malformed > 100, "\(stats): the mutations should leave most records parseable")
        #expect(stats.malformed == expectedMalformed)
        #expect(out.malformed == stats.malformed)
        #expect(out.events == stats.events)
        // Every record is in an event or malformed, except EOE records, which close their event.
        #expect(out.recordsInEvents + stats.malformed + (eoe - out.keptEOE) == stats.records)
        #expect(out.jsonLines == stats.events + stats.malformed)
        #expect(decoder.eventsInFlight == 0)
        #expect(out.invalidJSON.isEmpty, "\(out.invalidJSON.prefix(3))")
    }

    /// The same hostile text as netlink payloads (the stamp onwards, any message type).
    @Test func mutatedPayloadsThroughNetlink() throws {
        let stream = try hostileStream()
        var rng = XorShift(state: 7)
        var decoder = AuditLogDecoder()
        var out = Collector()
        var payloads = 0
        for line in stream.split(separator: 0x0A) {
            var payload = Array(line)
            if let i = payload.firstIndex(of: UInt8(ascii: "(")), i >= 10 { payload.removeFirst(i - 5) }  // "audit(…"
            if Int.random(in: 0..<4, using: &rng) == 0 { payload += [0x0A, 0, 0] }
            let type = [UInt16(1300), 1302, 1306, 1309, 1320, 1100, 1305, UInt16.random(in: 0...UInt16.max, using: &rng)]
                .randomElement(using: &rng)!
            payload.withUnsafeBytes { decoder.netlinkMessageReceived(type: type, payload: $0, into: &out) }
            payloads += 1
        }
        decoder.streamEnded(into: &out)
        let stats = decoder.statistics
        #expect(stats.records == payloads)
        #expect(out.malformed == stats.malformed)
        #expect(out.events == stats.events)
        #expect(out.recordsInEvents + stats.malformed <= stats.records)
        #expect(out.invalidJSON.isEmpty, "\(out.invalidJSON.prefix(3))")
    }
}
