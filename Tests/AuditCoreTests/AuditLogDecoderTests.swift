import AuditCore
import FleetModel
import Testing

@Suite struct AuditLogDecoderTests {
    /// A small log with every shape: interleaving, user messages, a malformed line, CRLF, no final newline.
    let small = Array(("""
        type=SYSCALL msg=audit(1.000:10): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 ppid=1 pid=20 uid=0 comm="sh" exe="/bin/sh" key=(null)
        type=USER_AUTH msg=audit(1.001:11): pid=9 uid=0 auid=1000 ses=1 msg='op=PAM:authentication acct="bob" exe="/usr/bin/su" hostname=? addr=? terminal=pts/0 res=failed'
        garbage line
        type=EXECVE msg=audit(1.000:10): argc=2 a0="sh" a1=2D63\r
        type=EOE msg=audit(1.000:10):
        type=SYSCALL msg=audit(1.002:12): arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=2 a2=3 a3=4 ppid=1 pid=21 comm="nc" exe="/bin/nc"
        type=SOCKADDR msg=audit(1.002:12): saddr=0A000050000000002001067C02E8001C0000000000000000
        """).utf8)

    func eventsWhole() -> [Decoded] { decode(small).outputs }

    @Test func wholeInput() {
        let (out, stats) = decode(small)
        #expect(stats == .init(records: 7, events: 3, malformed: 1, lost: 0))
        #expect(out.count == 4)
        let all = events(out)
        #expect(all.map(\.serial) == [11, 10, 12])
        #expect(all[0].kind == .authentication)
        #expect(all[0].success == false)
        #expect(all[0].userMessage == AuditUserMessage(op: "PAM:authentication", acct: "bob", exe: "/usr/bin/su", terminal: "pts/0", result: "failed"))
        #expect(all[1].process.argv == ["sh", "-c"])
        #expect(all[2].socket == AuditSocketAddress(family: "inet6", address: "2001:67c:2e8:1c::", port: 80))
        #expect(out.contains(.malformed("missing type=", Array("garbage line".utf8))))
    }

    @Test func splitAtEveryOffsetAndByteByByte() {
        let expected = eventsWhole()
        for cut in 0...small.count {
            #expect(decode(small, cuts: [cut]).outputs == expected, "cut at \(cut)")
        }
        #expect(decode(small, cuts: Array(0...small.count)).outputs == expected)
    }

    @Test(arguments: ["capture-raw.log", "capture-enriched.log"])
    func fixturesSplitAnywhere(_ name: String) throws {
        let bytes = try fixture(name)
        let expected = decode(bytes).outputs
        for cut in stride(from: 0, through: bytes.count, by: 997) {
            #expect(decode(bytes, cuts: [cut, cut + 1, cut + 300]).outputs == expected, "cut at \(cut)")
        }
        #expect(decode(bytes, cuts: Array(0...bytes.count)).outputs == expected, "byte by byte")
    }

    @Test func overlongLinesAreMalformedAndTheStreamGoesOn() {
        let huge = Array("type=EXECVE msg=audit(1.000:1): a0=".utf8) + Array(repeating: UInt8(ascii: "a"), count: AuditRecordParser.maximumRecordLength + 10)
        let tail = Array("\ntype=USER_AUTH msg=audit(2.000:2): pid=1 res=success\n".utf8)
        let bytes = huge + tail
        for cuts in [[], [100, 70_000, 2_000_000], [bytes.count - tail.count]] {
            let (out, stats) = decode(bytes, cuts: cuts)
            #expect(stats.malformed == 1)
            #expect(events(out).map(\.serial) == [2])
            if case .malformed(let reason, let raw) = out.first {
                #expect(reason == "record longer than the maximum")
                #expect(raw.count == AuditRecordParser.maximumRecordLength)
            } else {
                Issue.record("expected the overlong line first")
            }
        }
    }

    @Test func garbageNeverStalls() {
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for i in 0..<3000 {
            if i % 3 == 0 { bytes += Array("type=SYSCALL msg=audit(5.000:\(i)): pid=1 exe=\"/x\"\n".utf8) }
            bytes += (0..<Int.random(in: 0..<80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        let (out, stats) = decode(bytes, cuts: [17, 4096, 10_000])
        #expect(stats.events > 0)
        #expect(out.count == stats.events + stats.malformed)
    }
}
