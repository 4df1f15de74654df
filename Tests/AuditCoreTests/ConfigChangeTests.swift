import AuditCore
import FleetModel
import Foundation
import Testing

/// CONFIG_CHANGE records (type 1305) through the parser, the normalizer and the JSON writer:
/// the `config` object the service's tamper detection reads.
@Suite struct ConfigChangeTests {
    /// The event's line as `parse` prints it, and its stored detail object.
    func json(_ lines: [String]) -> (line: String, detail: String) {
        let event = events(decode(Array((lines.joined(separator: "\n") + "\n").utf8)).outputs).first!
        var json = AuditEventJSON()
        json.write(event)
        let line = String(decoding: json.bytes, as: UTF8.self)
        json.removeAll()
        json.writeDetail(event)
        return (line, String(decoding: json.bytes, as: UTF8.self))
    }

    func config(_ line: String) throws -> [String: Any]? {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        return object["config"] as? [String: Any]
    }

    @Test func ruleRemovedKeepsItsKeyAndList() throws {
        let line = #"type=CONFIG_CHANGE msg=audit(1795254607.232:2239): auid=1002 ses=73 op=remove_rule key="exec" list=4 res=1"#
        let event = normalize([line])
        #expect(event.kind == .auditConfig)
        #expect(event.config == AuditConfigChange(op: "remove_rule", list: 4))
        #expect(event.keys == ["exec"])
        #expect(event.user.auid == 1002 && event.user.ses == 73)
        #expect(event.success == true)
        let (text, detail) = json([line])
        #expect(text.hasSuffix(#","keys":["exec"],"config":{"op":"remove_rule","list":4}}"# + "\n"))
        #expect(detail.hasSuffix(#","config":{"op":"remove_rule","list":4}}"#))
    }

    @Test func settingsNameTheFieldTheValueAndTheOldValue() throws {
        let cases: [(String, AuditConfigChange)] = [
            ("op=set audit_enabled=0 old=1 auid=1002 ses=73 res=1",
             AuditConfigChange(op: "set", setting: "audit_enabled", value: "0", old: "1")),
            // An even number of hex digits is a number here, not hex-encoded bytes.
            ("op=set audit_pid=0 old=1234 auid=0 ses=5 res=1",
             AuditConfigChange(op: "set", setting: "audit_pid", value: "0", old: "1234")),
            ("op=set audit_backlog_wait_time=0 old=60000 auid=4294967295 ses=4294967295 res=1",
             AuditConfigChange(op: "set", setting: "audit_backlog_wait_time", value: "0", old: "60000")),
            ("op=set audit_failure=2 old=1 auid=0 ses=5 res=1",
             AuditConfigChange(op: "set", setting: "audit_failure", value: "2", old: "1")),
            ("op=set audit_rate_limit=100 old=0 auid=0 ses=5 res=1",
             AuditConfigChange(op: "set", setting: "audit_rate_limit", value: "100", old: "0")),
            // Older kernels write no op=, and a subj= (rhel-7, go-libaudit's testdata).
            ("audit_backlog_limit=8192 old=64 auid=4294967295 ses=4294967295 subj=system_u:system_r:unconfined_service_t:s0 res=1",
             AuditConfigChange(setting: "audit_backlog_limit", value: "8192", old: "64")),
            ("audit_enabled=0 old=1 auid=0 ses=2 res=0",
             AuditConfigChange(setting: "audit_enabled", value: "0", old: "1")),
        ]
        for (fields, expected) in cases {
            let line = "type=CONFIG_CHANGE msg=audit(1795254627.192:2242): \(fields)"
            #expect(normalize([line]).config == expected, "\(fields)")
        }
        let (text, detail) = json(["type=CONFIG_CHANGE msg=audit(1795254627.192:2242): \(cases[0].0)"])
        #expect(text.hasSuffix(#""config":{"op":"set","setting":"audit_enabled","value":"0","old":"1"}}"# + "\n"))
        #expect(detail.hasSuffix(#""config":{"op":"set","setting":"audit_enabled","value":"0","old":"1"}}"#))
        let object = try #require(try config(text))
        #expect(object["setting"] as? String == "audit_enabled")
        #expect(object["by_agent"] == nil, "by_agent only when true")
        #expect(normalize(["type=CONFIG_CHANGE msg=audit(1795254627.192:2242): audit_enabled=0 old=1 auid=0 ses=2 res=0"]).success == false)
    }

    /// The kernel's own order: CONFIG_CHANGE, then the SYSCALL of the auditctl (or agent) that
    /// sent the netlink message, whose pid says who made the change.
    @Test func ruleAddedWithItsSyscallRecord() throws {
        let lines = [
            #"type=CONFIG_CHANGE msg=audit(1795288308.389:1167): auid=4294967295 ses=4294967295 op=add_rule key="hw-audit" list=4 res=1"#,
            #"type=SYSCALL msg=audit(1795288308.389:1167): arch=c000003e syscall=44 success=yes exit=1076 a0=4 a1=7ffc917fd380 a2=434 a3=0 items=0 ppid=14691 pid=14692 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="auditctl" exe="/usr/sbin/auditctl" key=(null)"#,
            "type=EOE msg=audit(1795288308.389:1167): ",
        ]
        let event = events(decode(Array((lines.joined(separator: "\n") + "\n").utf8)).outputs).first!
        #expect(event.kind == .auditConfig)
        #expect(event.config == AuditConfigChange(op: "add_rule", list: 4))
        #expect(event.process.pid == 14692)
        #expect(event.keys == ["hw-audit"])
        // Older kernels quote op (rhel-7: op="add_rule"); key=(null) adds no key.
        let old = normalize([#"type=CONFIG_CHANGE msg=audit(1481077231.371:478): auid=1000 ses=3 subj=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 op="add_rule" key=(null) list=4 res=1"#])
        #expect(old.config == AuditConfigChange(op: "add_rule", list: 4))
        #expect(old.keys.isEmpty)
    }

    /// Values come from the host: a non-number list is left out, odd bytes are kept in the
    /// lossless form and escaped in JSON, nothing breaks the object.
    @Test func malformedValuesStayData() throws {
        var line = Array(#"type=CONFIG_CHANGE msg=audit(1795254627.192:2243): op=set\"x audit_enabled=1%"#.utf8)
        line += [0xFF, 0x01]
        line += Array(" old=-1 list=four auid=0 ses=1 res=1\n".utf8)
        let event = try #require(events(decode(line).outputs).first)
        let config = try #require(event.config)
        #expect(config.op == #"set\"x"#)
        #expect(config.setting == "audit_enabled")
        #expect(config.value == "1%25%FF\u{01}")
        #expect(config.old == "-1")
        #expect(config.list == nil)
        var json = AuditEventJSON()
        json.write(event)
        let object = try #require(try self.config(String(decoding: json.bytes, as: UTF8.self)))
        #expect(object["op"] as? String == #"set\"x"#)
        #expect(object["value"] as? String == "1%25%FF\u{01}")
        #expect(object["list"] == nil)
    }

    @Test func byAgentIsWrittenOnlyWhenTrue() throws {
        var event = normalize([#"type=CONFIG_CHANGE msg=audit(1795254607.232:2239): auid=1002 ses=73 op=remove_rule key="exec" list=4 res=1"#])
        event.config?.byAgent = true
        var json = AuditEventJSON()
        json.write(event)
        #expect(String(decoding: json.bytes, as: UTF8.self).hasSuffix(#""config":{"op":"remove_rule","list":4,"by_agent":true}}"# + "\n"))
        json.removeAll()
        json.writeDetail(event)
        #expect(String(decoding: json.bytes, as: UTF8.self).hasSuffix(#""config":{"op":"remove_rule","list":4,"by_agent":true}}"#))
    }

    @Test func otherEventsHaveNoConfig() throws {
        // A user-space message with op= is not a kernel configuration change.
        let event = normalize([#"type=USER_LOGIN msg=audit(1795254607.232:2240): pid=1 uid=0 auid=0 ses=1 msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.5 terminal=sshd res=success'"#])
        #expect(event.config == nil)
        #expect(events(decode(try fixture("capture-raw.log")).outputs).filter { $0.config != nil }.map(\.config!.op) ==
            ["add_rule", "add_rule", "remove_rule", "remove_rule"])
    }
}
