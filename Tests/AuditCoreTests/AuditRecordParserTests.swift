@testable import AuditCore
import FleetModel
import Testing

@Suite struct AuditRecordParserTests {
    @Test func headerAndFields() throws {
        let r = try #require(record(#"type=SYSCALL msg=audit(1492037289.295:58): arch=c000003e syscall=42 success=no exit=-115 comm="google_accounts" key=(null)"#))
        #expect(r.type == .syscall)
        #expect(r.timestampMilliseconds == 1_492_037_289_295)
        #expect(r.serial == 58)
        #expect(r.value("arch") == "c000003e")
        #expect(r.value("exit") == "-115")
        #expect(r.value("comm") == "google_accounts")
        #expect(r.field("comm")?.encoding == .doubleQuoted)
        #expect(r.value("key") == "(null)")
        #expect(r.field("key")?.encoding == .bare)
        #expect(r.node.isEmpty)
    }

    @Test func nodePrefixAndUnknownType() throws {
        let r = try #require(record(#"node=web-01.example type=UNKNOWN[1999] msg=audit(1.5:7): a=b"#))
        #expect(r.type.code == 1999)
        #expect(r.typeDescription == "UNKNOWN[1999]")
        #expect(r.timestampMilliseconds == 1500)  // ".5" is read as 500 ms
        #expect(String(decoding: r.bytes[Int(r.node.lowerBound)..<Int(r.node.upperBound)], as: UTF8.self) == "web-01.example")
        let unnamed = try #require(record("type=NOT_A_TYPE msg=audit(2.000:3): x=1"))
        #expect(unnamed.type.code == 0)
        #expect(unnamed.typeDescription == "NOT_A_TYPE")
    }

    @Test func userMessageNestedFieldsAndEnriched() throws {
        let line = "type=USER_LOGIN msg=audit(1492896301.818:19955): pid=12635 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=28696E76616C6964207573657229 exe=\"/usr/sbin/sshd\" hostname=? addr=179.38.151.221 terminal=sshd res=failed'\u{1D}UID=\"root\" AUID=\"unset\""
        let r = try #require(record(line))
        #expect(r.type == .userLogin)
        #expect(r.value("pid", origin: .kernel) == "12635")
        #expect(r.value("op", origin: .userMessage) == "login")
        #expect(r.value("acct", origin: .userMessage) == "28696E76616C6964207573657229")
        #expect(r.value("exe", origin: .userMessage) == "/usr/sbin/sshd")
        #expect(r.value("res", origin: .userMessage) == "failed")
        #expect(r.value("UID", origin: .enriched) == "root")
        #expect(r.value("AUID", origin: .enriched) == "unset")
        #expect(r.field("UID", origin: .kernel) == nil)
        // Another single-quoted value ends at its own closing quote.
        let two = try #require(record("type=USER_CMD msg=audit(1.000:2): a='x y' b='z'"))
        #expect(two.value("a") == "x y")
        #expect(two.value("b") == "z")
    }

    @Test func netlinkPayload() throws {
        let payload = Array("audit(1700000000.123:4242): pid=1 uid=0 msg='op=x res=success'\0".utf8)
        let result = payload.withUnsafeBytes { AuditRecordParser.parseNetlinkPayload(type: 1112, $0) }
        guard case .record(let r) = result else {
            Issue.record("netlink payload did not parse: \(result)")
            return
        }
        #expect(r.type == .userLogin)
        #expect(r.serial == 4242)
        #expect(r.timestampMilliseconds == 1_700_000_000_123)
        #expect(r.value("res", origin: .userMessage) == "success")
    }

    /// A stream reader takes a stamp equal to the last one from its memo: the memo must never
    /// answer for bytes that differ, wherever they differ, nor turn a malformed stamp valid.
    @Test func stampMemoReadsWhatParsingReads() {
        let stamps = [
            "audit(1795288308.285:1000)", "audit(1795288308.285:1000)", "audit(1795288308.285:1001)",
            "audit(1795288308.286:1001)", "audit(2795288308.286:1001)", "audit(1.1:12)", "audit(1.1:123)",
            "audit(1.1:12)", "audit(1795288308.285:4294967295)", "audit(1795288308.285:4294967296)",
            "audit(1795288308.285:1000", "audit(1795288308.285:1000)", "audit(1795288308.285:10000)",
            "audit(1795288308.2851:1000)", "audit(179528830800000.285:100000000)", "audit(1795288308.285:1000)x",
            "audit(1795288308.285:1000):", "audit(1795288308.285:100)", "audit(1795288308.285:1000)",
        ]
        var memo = AuditRecordParser.StampMemo()
        for (i, stamp) in stamps.enumerated() {
            for netlink in [false, true] {
                let text = Array(((netlink ? "" : "type=SYSCALL msg=") + stamp + " pid=1").utf8)
                let type: AuditRecordType? = netlink ? .syscall : nil
                text.withUnsafeBytes { buf in
                    let fresh = Result { () throws(AuditRecordParser.MalformedReason) in
                        try AuditRecordParser.parseHeader(buf, netlinkType: type)
                    }
                    let remembered = Result { () throws(AuditRecordParser.MalformedReason) in
                        try AuditRecordParser.parseHeader(buf, netlinkType: type, memo: &memo)
                    }
                    switch (fresh, remembered) {
                    case (.success(let a), .success(let b)):
                        #expect(a.timestampMilliseconds == b.timestampMilliseconds, "stamp \(i)")
                        #expect(a.serial == b.serial, "stamp \(i)")
                        #expect(a.fieldsStart == b.fieldsStart, "stamp \(i)")
                    case (.failure(let a), .failure(let b)): #expect(a == b, "stamp \(i)")
                    default: Issue.record("stamp \(i) \(stamp): \(fresh) with a fresh parse, \(remembered) with the memo")
                    }
                }
            }
        }
    }

    @Test func malformedHeaders() {
        for line in ["", "garbage", "type=SYSCALL", "type=SYSCALL msg=?", "type=UNKNOWN[1329] msg=?",
                     "type=SYSCALL msg=audit(12:34): x=1", "type=SYSCALL msg=audit(1.2:99999999999): x=1",
                     "msg=audit(1.2:3): x=1"] {
            var l = line
            let result = l.withUTF8 { AuditRecordParser.parseLogLine(UnsafeRawBufferPointer($0)) }
            guard case .malformed(_, let bytes) = result else {
                Issue.record("expected malformed: \(line)")
                continue
            }
            #expect(bytes == Array(line.utf8), "the raw bytes are kept")
        }
    }

    @Test func oddButUsableFieldText() throws {
        // No colon after the stamp, free text, an unterminated quote, an empty value.
        let r = try #require(record(#"type=DAEMON_CONFIG msg=audit(1.000:1) config changed, auditd pid=7 empty= name="unterminated"#))
        #expect(r.value("pid") == "7")
        #expect(r.value("empty") == "")
        #expect(r.value("name") == "unterminated")
        let avc = try #require(record(#"type=AVC msg=audit(1.000:2): avc:  denied  { read } for  pid=5 comm="cat""#))
        #expect(avc.value("pid") == "5")
        #expect(avc.value("comm") == "cat")
    }

    @Test func longLineParses() throws {
        let arg = String(repeating: "61", count: 32 * 1024)  // 64 KiB of hex
        let r = try #require(record("type=EXECVE msg=audit(1.000:1): argc=1 a0=\(arg)"))
        #expect(r.value("a0")?.utf8.count == 64 * 1024)
        let event = AuditEventNormalizer.normalize([r])
        #expect(event.process.argv == [String(repeating: "a", count: 32 * 1024)])
    }

    @Test func manyFieldsKeepTheirOrder() throws {
        // More fields than the tokenizer's 64-entry stack buffer: the rest go to its overflow.
        let args = (0..<150).map { "a\($0)=\"v\($0)\"" }.joined(separator: " ")
        let r = try #require(record("type=EXECVE msg=audit(1.000:1): argc=150 \(args)\u{1D}X=\"y\""))
        #expect(r.fields.count == 152)
        let e = AuditEventNormalizer.normalize([r])
        #expect(e.process.argv == (0..<150).map { "v\($0)" })
        #expect(r.value("X", origin: .enriched) == "y")
    }

    @Test func binaryGarbageNeverCrashes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<200, using: &rng)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Half of them look like a record so the field tokenizer runs on garbage too.
            if Bool.random(using: &rng) { bytes = Array("type=SYSCALL msg=audit(1.000:1): ".utf8) + bytes }
            let result = bytes.withUnsafeBytes { AuditRecordParser.parseLogLine($0) }
            if case .record(let r) = result {
                _ = AuditEventNormalizer.normalize([r])
                for f in r.fields {
                    #expect(f.valueStart >= 0 && Int(f.valueStart + f.valueLength) <= r.bytes.count)
                }
            }
        }
    }

    @Test func numbersBeyondTheirTypeAreDroppedNotTrapped() throws {
        // A hostile log: 19- and 20-digit numbers where the kernel writes pids, ids and exit codes.
        let e = normalize([
            "type=SYSCALL msg=audit(1.000:7): arch=c000003e syscall=59 success=yes exit=-9999999999999999999 "
                + "ppid=9999999999999999999 pid=99999999999999999999 uid=9223372036854775807 auid=4294967296 ses=4294967295",
            "type=PATH msg=audit(1.000:7): item=0 name=\"/x\" inode=99999999999999999999 mode=0100755",
            "type=PATH msg=audit(1.000:7): item=1 name=\"/y\" inode=-5 mode=0100755",
            "type=PATH msg=audit(1.000:7): item=2 name=\"/z\" inode=18446744073709551615 mode=0100755",
        ])
        #expect(e.process.pid == nil)
        #expect(e.process.ppid == nil)
        #expect(e.syscall?.exit == nil)
        #expect(e.user.uid == nil)
        #expect(e.user.auid == nil)
        #expect(e.user.ses == 4_294_967_295)
        #expect(e.paths.map(\.inode) == [nil, nil, .max])
        #expect(e.syscall?.name == "execve")
    }

    @Test func decimalEdgesOfInt64() {
        func int(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBytes { FieldValue.int($0) } }
        #expect(int("9223372036854775807") == .max)
        #expect(int("9223372036854775808") == nil)
        #expect(int("-9223372036854775808") == .min)
        #expect(int("-9223372036854775809") == nil)
        #expect(int("9999999999999999999") == nil)
        #expect(int("-0") == 0)
        #expect(int("-") == nil)
        #expect(int("") == nil)
        #expect(int("12a") == nil)
    }
}
